package io.gproxy.admin;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The web console's static files ({@code /console}, {@code /console/*}), served from the classpath directory
 * {@code console/}. Only files named in {@code console/manifest.txt} exist: a request path is looked up in that
 * fixed map by exact string, so {@code ..}, encoded slashes or any other spelling can only ever answer 404. No auth
 * (the data comes from {@code /admin/*} and {@code /user/*} with the session cookie); every answer carries a strict
 * Content-Security-Policy (no inline script or style), {@code nosniff} and {@code X-Frame-Options: DENY}. Files are
 * revalidated by ETag (SHA-256 of the content), so a deploy is visible on the next page load.
 *
 * <p>The files are read once, on the first console request (never before a SnapStart checkpoint is required: they
 * hold nothing secret or random, so loading them during priming would be harmless too).
 */
public final class ConsoleAssets {
    static final String PREFIX = "/console";
    static final String RESOURCE_DIR = "console/";
    static final String MANIFEST = RESOURCE_DIR + "manifest.txt";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "json", "application/json; charset=utf-8",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8");

    record Asset(String name, byte[] body, String contentType, String etag) {}

    private static volatile ConsoleAssets shared;

    private final Map<String, Asset> assets;

    ConsoleAssets(ClassLoader loader) {
        this.assets = load(loader);
    }

    /** The console of this class's classpath, loaded on first use. */
    public static ConsoleAssets shared() {
        ConsoleAssets c = shared;
        if (c == null) {
            synchronized (ConsoleAssets.class) {
                c = shared;
                if (c == null) {
                    c = new ConsoleAssets(ConsoleAssets.class.getClassLoader());
                    shared = c;
                }
            }
        }
        return c;
    }

    /** True for {@code /console} and everything under {@code /console/}. */
    public static boolean isConsolePath(String rawPath) {
        return rawPath.equals(PREFIX) || rawPath.startsWith(PREFIX + "/");
    }

    /** The names of the files served (manifest order). */
    Set<String> names() {
        return Collections.unmodifiableSet(assets.keySet());
    }

    public HttpResponse serve(HttpRequest request) {
        Asset asset = assets.get(assetName(request.rawPath()));
        if (asset == null) {
            return error(404, "not found"); // whatever the method: an unknown path is not a resource here
        }
        String method = request.method();
        boolean head = method.equals("HEAD");
        if (!method.equals("GET") && !head) {
            HttpResponse r = error(405, "method not allowed");
            r.headers().set("allow", "GET, HEAD");
            return r;
        }
        Headers h = securityHeaders();
        h.set("content-type", asset.contentType());
        h.set("etag", asset.etag());
        h.set("cache-control", "no-cache");
        if (matches(request.headers().firstOrNull("if-none-match"), asset.etag())) {
            return HttpResponse.buffered(304, h, new byte[0]);
        }
        return HttpResponse.buffered(200, h, head ? new byte[0] : asset.body());
    }

    /** {@code /console} and {@code /console/} are the page itself; otherwise the part after {@code /console/}. */
    static String assetName(String rawPath) {
        if (rawPath.equals(PREFIX) || rawPath.equals(PREFIX + "/")) {
            return "index.html";
        }
        if (!rawPath.startsWith(PREFIX + "/")) {
            return null;
        }
        String name = rawPath.substring(PREFIX.length() + 1);
        // Belt and braces: the exact-match lookup already refuses these, but never let them near a lookup at all.
        if (name.contains("..") || name.contains("%") || name.contains("\\") || name.contains("//")
                || name.startsWith("/")) {
            return null;
        }
        return name;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static Headers securityHeaders() {
        Headers h = new Headers();
        h.set("content-security-policy", CSP);
        h.set("x-content-type-options", "nosniff");
        h.set("x-frame-options", "DENY");
        h.set("referrer-policy", "same-origin");
        return h;
    }

    private static HttpResponse error(int status, String message) {
        Headers h = securityHeaders();
        h.set("content-type", "application/json");
        String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"gproxy_error\"}}";
        return HttpResponse.buffered(status, h, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Asset> load(ClassLoader loader) {
        Map<String, Asset> out = new LinkedHashMap<>();
        byte[] manifest = read(loader, MANIFEST);
        if (manifest == null) {
            return out; // a build without the console: every path is 404
        }
        for (String line : new String(manifest, StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (name.contains("..") || name.startsWith("/") || name.contains("\\")) {
                throw new IllegalStateException("bad console manifest entry: " + name);
            }
            byte[] body = read(loader, RESOURCE_DIR + name);
            if (body == null) {
                throw new IllegalStateException("console manifest names a missing file: " + name);
            }
            out.put(name, new Asset(name, body, contentType(name), etag(body)));
        }
        return out;
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
