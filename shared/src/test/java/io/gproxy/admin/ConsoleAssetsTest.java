package io.gproxy.admin;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's static files: what is served, with which headers, and that nothing else ever is. */
class ConsoleAssetsTest {
    private static final Path SOURCE_DIR = Path.of("src/main/resources/console");
    private final ConsoleAssets assets = new ConsoleAssets(ConsoleAssetsTest.class.getClassLoader());

    private HttpResponse get(String path, String... headers) {
        return assets.serve(HttpRequest.of("GET", path, Headers.of(headers), null));
    }

    private static String text(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theManifestListsExactlyTheFilesOfTheConsoleDirectory() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> files = Files.walk(SOURCE_DIR)) {
            onDisk = files.filter(Files::isRegularFile).map(p -> SOURCE_DIR.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> !n.equals("manifest.txt")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(onDisk, new TreeSet<>(assets.names()),
                "console/manifest.txt must name every console file (and only those)");
        assertTrue(onDisk.contains("index.html") && onDisk.contains("js/app.js"));
    }

    @Test
    void theConsoleRootIsThePageWithStrictSecurityHeaders() {
        for (String path : new String[] {"/console", "/console/", "/console/index.html"}) {
            HttpResponse r = get(path);
            assertEquals(200, r.status(), path);
            assertEquals("text/html; charset=utf-8", r.headers().firstOrNull("content-type"));
            String csp = r.headers().firstOrNull("content-security-policy");
            assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'")
                    && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", r.headers().firstOrNull("x-content-type-options"));
            assertEquals("DENY", r.headers().firstOrNull("x-frame-options"));
            assertEquals("no-cache", r.headers().firstOrNull("cache-control"));
            assertTrue(text(r).contains("<script type=\"module\" src=\"/console/js/app.js\"></script>"));
        }
    }

    @Test
    void contentTypesFollowTheExtension() {
        assertEquals("text/javascript; charset=utf-8", get("/console/js/app.js").headers().firstOrNull("content-type"));
        assertEquals("text/css; charset=utf-8", get("/console/app.css").headers().firstOrNull("content-type"));
        assertEquals("image/svg+xml", get("/console/favicon.svg").headers().firstOrNull("content-type"));
        assertEquals("application/octet-stream", ConsoleAssets.contentType("x.bin"));
    }

    @Test
    void anUnchangedFileIsRevalidatedByEtag() {
        HttpResponse first = get("/console/js/app.js");
        String etag = first.headers().firstOrNull("etag");
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        HttpResponse again = get("/console/js/app.js", "If-None-Match", etag);
        assertEquals(304, again.status());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().firstOrNull("etag"));
        assertEquals(200, get("/console/js/app.js", "If-None-Match", "\"other\"").status());
        assertEquals(304, get("/console/js/app.js", "If-None-Match", "\"x\", W/" + etag).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/console/../pom.xml", "/console/js/../app.css", "/console/..", "/console/%2e%2e/pom.xml",
        "/console/..%2fpom.xml", "/console/js%2fapp.js", "/console/js%2Fapp.js", "/console//app.css",
        "/console/js\\app.js", "/console/manifest.txt", "/console/js/", "/console/js", "/console/missing.js",
        "/console/app.css/", "/console/io/gproxy/admin/ConsoleAssets.class", "/console/%00", "/consoleindex.html",
        "/console/./app.css", "/console/APP.CSS",
    })
    void anythingNotInTheManifestIsNotFound(String path) {
        HttpResponse r = get(path);
        assertEquals(404, r.status(), path);
        assertEquals("nosniff", r.headers().firstOrNull("x-content-type-options"));
        assertTrue(text(r).contains("gproxy_error"));
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        HttpResponse post = assets.serve(HttpRequest.of("POST", "/console", new Headers(), new byte[0]));
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.headers().firstOrNull("allow"));
        assertEquals(404, assets.serve(HttpRequest.of("POST", "/console/v1/chat/completions", new Headers(), new byte[0])).status(),
                "an unknown path is 404 whatever the method");
        HttpResponse head = assets.serve(HttpRequest.of("HEAD", "/console/app.css", new Headers(), null));
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals("text/css; charset=utf-8", head.headers().firstOrNull("content-type"));
    }

    @Test
    void consolePathsAreRecognised() {
        assertTrue(ConsoleAssets.isConsolePath("/console"));
        assertTrue(ConsoleAssets.isConsolePath("/console/js/app.js"));
        assertFalse(ConsoleAssets.isConsolePath("/consoles"));
        assertFalse(ConsoleAssets.isConsolePath("/admin/console"));
    }

    /** The CSP forbids inline script and style: the files must not need them (and never build markup from strings). */
    @Test
    void theFilesNeedNoInlineScriptOrStyle() throws IOException {
        String index = text(get("/console"));
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(index).find(), "inline <script> in index.html");
        assertFalse(index.contains("style="), "inline style in index.html");
        assertFalse(index.contains("<style"), "<style> in index.html");
        for (String name : assets.names()) {
            if (name.endsWith(".js")) {
                String js = text(get("/console/" + name));
                assertFalse(js.contains("innerHTML") || js.contains("outerHTML") || js.contains("insertAdjacentHTML"),
                        name + " builds markup from strings");
                assertFalse(js.contains("eval(") || js.contains("new Function"), name + " evaluates strings");
                assertFalse(js.contains("'style'") || js.contains("\"style\""), name + " sets a style attribute");
            }
        }
    }
}
