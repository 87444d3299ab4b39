package io.gproxy.tests.e2e.badinput;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Seeded, reproducible bad requests over a table of routes: every route meets every kind that applies to it
 * {@code rounds} times, each time drawn afresh from the seed. Nothing here knows what the gateway answers; the test
 * states that (a clear 4xx, nothing reaches an upstream, nothing is written).
 */
public final class BadInputGenerator {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final String[] JUNK = {"{", "}", "[", "]", "\"", ":", ",", "\\", "x", "\u0000", "nul", "tru", "1e99999",
            "-", "0x10", "'", "/*", "NaN"};
    private static final byte[][] BAD_UTF8 = {{(byte) 0xC3, 0x28}, {(byte) 0xA0, (byte) 0xA1}, {(byte) 0xE2, 0x28, (byte) 0xA1},
            {(byte) 0xF0, 0x28, (byte) 0x8C, 0x28}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}};
    // "//" is left out on purpose: empty segments are ignored, so /v1/chat//completions is the same route
    private static final String[] PATH_TRICKS = {"/../", "/%2e%2e/", "/%2E%2E/", "%2F", "%252F", "/./", "/%00/",
            "/%2f..%2f", "/.%2e/", "/;/", "/%20/", "/%C0%AF/"};
    private static final String[] ALWAYS_REFUSED = {"/../", "/%2e%2e/", "/%2E%2E/", "%2F", "/./", "/%00/", "/%2f..%2f",
            "/.%2e/", "/%C0%AF/"};
    /** Reserved first segments: never a provider name, so never a scoped route. */
    private static final String[] RESERVED_PREFIXES = {"/admin", "/console", "/user", "/healthz", "/version", "/metrics",
            "/v1/v1", "/V1"};
    private static final String[] CONTENT_TYPES = {"application/xml", "text/html", "multipart/form-data; boundary=x",
            "application/octet-stream", "image/png", "application/x-www-form-urlencoded", "text/csv", "application/yaml"};

    private final Random random;
    private final long maxBodyBytes;

    public BadInputGenerator(long seed, long maxBodyBytes) {
        this.random = new Random(seed);
        this.maxBodyBytes = maxBodyBytes;
    }

    public List<BadRequest> generate(List<Route> routes, int rounds) {
        List<BadRequest> out = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Route route : routes) {
                for (BadInputKind kind : BadInputKind.values()) {
                    make(kind, route).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    Optional<BadRequest> make(BadInputKind kind, Route r) {
        if (r.admin() && kind == BadInputKind.MISSING_MODEL) {
            return Optional.empty(); // an entity body has no model to take away
        }
        String path = r.pathFor("fast");
        return switch (kind) {
            case MALFORMED_JSON -> body(r).map(b -> req(kind, r, path, r.authHeaders(), malformed(b), ""));
            case WRONG_TYPE -> body(r).map(b -> wrongType(kind, r, path));
            case MISSING_MODEL -> body(r).map(b -> missingModel(kind, r));
            // scoped routes forward any model id to their provider (it knows its own models): not bad input there
            case UNKNOWN_MODEL_AND_FIELDS -> body(r).filter(b -> !scoped(r)).map(b -> unknownModel(kind, r));
            case DEEP_NESTING -> body(r).map(b -> {
                int depth = 600 + random.nextInt(4400);
                boolean arrays = random.nextBoolean();
                String nest = arrays ? "[".repeat(depth) + "1" + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                return req(kind, r, path, r.authHeaders(), bytes(b.substring(0, b.length() - 1) + ",\"deep\":" + nest + "}"),
                        "depth " + depth);
            });
            case HUGE_BODY -> body(r).map(b -> {
                int size = (int) maxBodyBytes + 1 + random.nextInt(64 * 1024);
                String huge = b.substring(0, b.length() - 1) + ",\"pad\":\"" + "x".repeat(size) + "\"}";
                return new BadRequest(kind, r, r.method(), path, r.authHeaders(), bytes(huge), random.nextBoolean(),
                        huge.length() + " bytes");
            });
            case INVALID_UTF8 -> body(r).map(b -> {
                byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
                byte[] valid = bytes(b.substring(0, b.length() - 1) + ",\"text\":\"ab\"}");
                int at = valid.length - 4; // inside the "ab" string value
                byte[] mixed = concat(Arrays.copyOf(valid, at), bad, Arrays.copyOfRange(valid, at, valid.length));
                return req(kind, r, path, r.authHeaders(), mixed, hex(bad));
            });
            case WRONG_CONTENT_TYPE -> body(r).map(b -> {
                String ct = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
                // a form post whose body is a JSON object is what curl -d sends, and is taken: send a real form
                byte[] body = ct.startsWith("application/x-www-form") ? bytes("model=x&input=hi") : bytes(b);
                return req(kind, r, path, with(r.authHeaders(), "content-type", ct), body, ct);
            });
            case OVERSIZED_HEADERS -> Optional.of(oversizedHeaders(kind, r, path));
            case PATH_TRICK -> Optional.of(pathTrick(kind, r));
            case BAD_CREDENTIALS -> Optional.of(badCredentials(kind, r, path));
            case WRONG_METHOD -> Optional.of(wrongMethod(kind, r, path));
        };
    }

    private static boolean scoped(Route r) {
        return !r.path().startsWith("/v1");
    }

    private Optional<String> body(Route r) {
        return Optional.ofNullable(r.validBody());
    }

    private BadRequest req(BadInputKind kind, Route r, String path, List<String> headers, byte[] body, String note) {
        return new BadRequest(kind, r, r.method(), path, headers, body, false, note);
    }

    /** Truncation, junk tokens or byte flips of a valid body, redrawn until strict parsing refuses it. */
    private byte[] malformed(String valid) {
        for (int tries = 0; ; tries++) {
            byte[] b = bytes(valid);
            switch (random.nextInt(4)) {
                case 0 -> b = Arrays.copyOf(b, random.nextInt(b.length - 1));
                case 1 -> {
                    int at = random.nextInt(b.length);
                    String junk = JUNK[random.nextInt(JUNK.length)];
                    b = concat(Arrays.copyOf(b, at), bytes(junk), Arrays.copyOfRange(b, at, b.length));
                }
                case 2 -> {
                    for (int i = 0; i < 1 + random.nextInt(4); i++) {
                        String flips = "{}[]\":,\\x'";
                        b[random.nextInt(b.length)] = (byte) flips.charAt(random.nextInt(flips.length()));
                    }
                }
                default -> b = bytes(valid.substring(0, valid.length() - 1) + ",\"model\":\"dup\"}"); // duplicate key
            }
            if (!parses(b) || tries > 50) {
                return parses(b) ? bytes("{") : b;
            }
        }
    }

    private BadRequest wrongType(BadInputKind kind, Route r, String path) {
        String[] roots = {"[]", "[{\"model\":\"" + Route.MODEL + "\"}]", "\"a string\"", "42", "true", "null", "1.5e3"};
        boolean gemini = r.path().contains("{model}");
        if (gemini || random.nextBoolean()) {
            String root = roots[random.nextInt(roots.length)];
            return req(kind, r, path, r.authHeaders(), bytes(root), "root " + root);
        }
        String[] models = {"123", "[\"" + Route.MODEL + "\"]", "{\"id\":\"" + Route.MODEL + "\"}", "true", "null", "-1"};
        String m = models[random.nextInt(models.length)];
        ObjectNode body = parse(r.validBody());
        body.set("model", parse("{\"v\":" + m + "}").get("v"));
        return req(kind, r, path, r.authHeaders(), bytes(body.toString()), "model " + m);
    }

    private BadRequest missingModel(BadInputKind kind, Route r) {
        if (r.path().contains("{model}")) {
            String[] empty = {"", "/", "%2F", "openai/", "%20"};
            String m = empty[random.nextInt(empty.length)];
            return req(kind, r, r.pathFor(m), r.authHeaders(), bytes(r.validBody()), "path model '" + m + "'");
        }
        ObjectNode body = parse(r.validBody());
        body.remove("model");
        if (random.nextBoolean()) {
            body.put("model", random.nextBoolean() ? "" : " ");
        }
        return req(kind, r, r.pathFor("fast"), r.authHeaders(), bytes(body.toString()), "");
    }

    /** A model no route, alias or provider knows, among random unknown fields. */
    private BadRequest unknownModel(BadInputKind kind, Route r) {
        // never "<known provider>/...": that addresses the provider directly and any model id is its to judge
        String[] names = {"no-such-model", "nobody/gpt", "a/b/c/d", "x".repeat(5000), "模型/\u202egpt", "$(rm -rf)",
                "<script>alert(1)</script>", "fast/../../x", "../../etc/passwd", "%2e%2e/admin"};
        String model = names[random.nextInt(names.length)] + (random.nextBoolean() ? "" : "-" + random.nextInt(1000));
        ObjectNode body = parse(r.validBody());
        for (int i = 0; i < 1 + random.nextInt(5); i++) {
            String[] fields = {"__proto__", "constructor", "$ref", "zz_unknown_" + random.nextInt(100), "", "\u0000k",
                    "provider", "x-api-key", "authorization"};
            body.set(fields[random.nextInt(fields.length)], randomJson(3));
        }
        if (r.path().contains("{model}")) {
            String encoded = URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
            return req(kind, r, r.pathFor(encoded), r.authHeaders(), bytes(body.toString()), "path model " + abbreviate(model));
        }
        body.put("model", model);
        return req(kind, r, r.pathFor("fast"), r.authHeaders(), bytes(body.toString()), "model " + abbreviate(model));
    }

    /** Past the gateway's header limits (431): more than 200 names, or more than 64 KiB in all. */
    private BadRequest oversizedHeaders(BadInputKind kind, Route r, String path) {
        List<String> headers = new ArrayList<>(r.authHeaders());
        byte[] body = body(r).map(BadInputGenerator::bytes).orElse(null);
        switch (random.nextInt(3)) {
            case 0 -> {
                // above the gateway's 64 KiB in total, in 40 to 190 names
                int n = 40 + random.nextInt(150);
                for (int i = 0; i < n; i++) {
                    headers.add("x-filler-" + i);
                    headers.add("v".repeat(70_000 / n + 1 + random.nextInt(1000)));
                }
                return new BadRequest(kind, r, r.method(), path, headers, body, false, n + " headers");
            }
            case 1 -> {
                // small, but more names than the gateway takes (200, the client's own headers included)
                int n = 201 + random.nextInt(400);
                for (int i = 0; i < n; i++) {
                    headers.add("x-filler-" + i);
                    headers.add("v");
                }
                return new BadRequest(kind, r, r.method(), path, headers, body, false, n + " small headers");
            }
            default -> {
                int size = 70_000 + random.nextInt(60_000);
                headers.add("x-big");
                headers.add("b".repeat(size));
                return new BadRequest(kind, r, r.method(), path, headers, body, false, "one header of " + size + " bytes");
            }
        }
    }

    /** Dot segments, encoded slashes and reserved prefixes spliced into the route's path. */
    private BadRequest pathTrick(BadInputKind kind, Route r) {
        String path = r.pathFor("fast");
        String trick = PATH_TRICKS[random.nextInt(PATH_TRICKS.length)];
        if (scoped(r)) {
            // a scoped path is the provider's own and may carry extra segments (Vertex's projects/...): only the
            // tricks that are never a valid segment
            trick = ALWAYS_REFUSED[random.nextInt(ALWAYS_REFUSED.length)];
        }
        List<Integer> slashes = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                slashes.add(i);
            }
        }
        if (r.path().contains("{model}") && scoped(r)) {
            // a scoped route forwards any model id: tricks go before its model segment, not into it
            slashes = slashes.subList(0, path.substring(0, path.indexOf("/models/") + 1).split("/", -1).length - 1);
        }
        int at = slashes.get(random.nextInt(slashes.size()));
        String tricked = switch (random.nextInt(4)) {
            case 0 -> path.substring(0, at) + trick + path.substring(at + 1); // replace a slash
            case 1 -> (trick.endsWith("/") ? trick.substring(0, trick.length() - 1) : trick) + path; // prefix
            case 2 -> {
                trick = RESERVED_PREFIXES[random.nextInt(RESERVED_PREFIXES.length)];
                yield trick + path; // a reserved name where a scoped route has its provider
            }
            default -> path.substring(0, at) + trick + "x" + path.substring(at); // splice a segment in
        };
        if (!tricked.startsWith("/")) {
            tricked = "/" + tricked;
        }
        return new BadRequest(kind, r, r.method(), tricked, r.authHeaders(),
                body(r).map(BadInputGenerator::bytes).orElse(null), false, "trick " + trick);
    }

    private BadRequest badCredentials(BadInputKind kind, Route r, String path) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        String randomKey = "sk-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(k);
        List<String> headers = switch (random.nextInt(6)) {
            case 0 -> List.of();
            case 1 -> List.of("authorization", "Bearer " + randomKey);
            case 2 -> List.of("authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(bytes("admin:admin")));
            case 3 -> List.of("authorization", "Bearer");
            case 4 -> List.of("x-api-key", randomKey.substring(0, 10));
            default -> List.of("x-goog-api-key", " ", "cookie", "gproxy_session=" + randomKey);
        };
        return new BadRequest(kind, r, r.method(), path, headers, body(r).map(BadInputGenerator::bytes).orElse(null),
                false, headers.isEmpty() ? "no key" : headers.get(0));
    }

    private BadRequest wrongMethod(BadInputKind kind, Route r, String path) {
        String[] methods = java.util.Arrays.stream(r.method().equals("GET") ? new String[] {"POST", "PUT", "DELETE", "PATCH"}
                : new String[] {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
                .filter(m -> !m.equals(r.method()) && !r.otherMethods().contains(m)).toArray(String[]::new);
        String m = methods[random.nextInt(methods.length)];
        return new BadRequest(kind, r, m, path, r.authHeaders(), body(r).map(BadInputGenerator::bytes).orElse(null),
                false, "");
    }

    private com.fasterxml.jackson.databind.JsonNode randomJson(int depth) {
        int pick = random.nextInt(depth <= 0 ? 4 : 6);
        return switch (pick) {
            case 0 -> STRICT.getNodeFactory().numberNode(random.nextLong());
            case 1 -> STRICT.getNodeFactory().textNode("v" + random.nextInt());
            case 2 -> STRICT.getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> STRICT.getNodeFactory().nullNode();
            case 4 -> {
                var a = STRICT.createArrayNode();
                for (int i = 0; i < random.nextInt(4); i++) {
                    a.add(randomJson(depth - 1));
                }
                yield a;
            }
            default -> {
                var o = STRICT.createObjectNode();
                for (int i = 0; i < random.nextInt(4); i++) {
                    o.set("k" + random.nextInt(50), randomJson(depth - 1));
                }
                yield o;
            }
        };
    }

    private static boolean parses(byte[] b) {
        try {
            STRICT.readTree(b);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) STRICT.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static List<String> with(List<String> headers, String name, String value) {
        List<String> out = new ArrayList<>(headers);
        out.add(name);
        out.add(value);
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02X", x & 0xff));
        }
        return s.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
    }
}
