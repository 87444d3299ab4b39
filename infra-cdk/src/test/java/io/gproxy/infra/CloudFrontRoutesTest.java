package io.gproxy.infra;

import io.gproxy.http.FunctionGroup;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRouter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Simulates CloudFront's path-pattern matching over {@link CloudFrontRoutes} and holds it to the gateway's own
 * router ({@link HttpRouter}): every client path the gateway serves must reach the function that owns it, or that
 * function answers 404. CloudFront documents the leading slash as optional on both sides, so each case is checked
 * both with and without it.
 */
class CloudFrontRoutesTest {

    /** Client requests the gateway serves (DESIGN §3, spec/surface.md §2.2), by method and raw path. */
    private static final List<String[]> CASES = List.of(
            // generate content
            req("POST", "/v1/chat/completions"),
            req("POST", "/v1/responses"),
            req("POST", "/v1/messages"),
            req("POST", "/openai/v1/chat/completions"),
            req("POST", "/my-openai/v1/responses"),
            req("POST", "/claude/v1/messages"),
            req("POST", "/v1beta/models/gemini-2.5-pro:generateContent"),
            req("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent"),
            req("POST", "/v1/models/gemini-2.5-flash:generateContent"),
            req("POST", "/aistudio/v1beta/models/gemini-2.5-pro:streamGenerateContent"),
            req("POST", "/v1beta/models/tunedModels/my-model:generateContent"),
            req("POST", "/vertex/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent"),
            req("POST", "/v1beta/models/gpt-4.1:generateContent"),
            // count tokens
            req("POST", "/v1/messages/count_tokens"),
            req("POST", "/anthropic/v1/messages/count_tokens"),
            req("POST", "/v1/responses/input_tokens"),
            req("POST", "/openai/v1/responses/input_tokens"),
            req("POST", "/v1beta/models/gemini-2.5-pro:countTokens"),
            req("POST", "/aistudio/v1beta/models/gemini-2.5-pro:countTokens"),
            // compact, embeddings, images, conversations
            req("POST", "/v1/responses/compact"),
            req("POST", "/openai/v1/responses/compact"),
            req("POST", "/v1/embeddings"),
            req("POST", "/openai/v1/embeddings"),
            req("POST", "/v1beta/models/text-embedding-004:embedContent"),
            req("POST", "/v1beta/models/text-embedding-004:batchEmbedContents"),
            req("POST", "/aistudio/v1beta/models/gemini-embedding-001:batchEmbedContents"),
            req("POST", "/v1/images/generations"),
            req("POST", "/v1/images/edits"),
            req("POST", "/openai/v1/images/generations"),
            req("POST", "/v1/conversations"),
            req("POST", "/openai/v1/conversations"),
            // models, every family, ids with slashes and colons
            req("GET", "/v1/models"),
            req("GET", "/v1/models/gpt-4.1"),
            req("GET", "/v1/models/openai/gpt-4.1"),
            req("GET", "/v1/models/ft:gpt-4o-mini:acme::abc123"),
            req("GET", "/v1beta/models"),
            req("GET", "/v1beta/models/gemini-2.5-pro"),
            req("GET", "/openai/v1/models"),
            req("GET", "/openai/v1/models/gpt-4.1"),
            req("GET", "/aistudio/v1beta/models"),
            req("GET", "/aistudio/v1beta/models/gemini-2.5-pro"),
            // admin surfaces
            req("GET", "/"),
            req("GET", "/healthz"),
            req("GET", "/version"),
            req("GET", "/metrics"),
            req("GET", "/admin"),
            req("GET", "/admin/providers"),
            req("POST", "/admin/providers/openai/v1/models"),
            req("PUT", "/admin/keys/k1:countTokens"),
            req("GET", "/user"),
            req("GET", "/user/keys"),
            req("GET", "/console"),
            req("GET", "/console/assets/index.js"));

    private static String[] req(String method, String path) {
        return new String[] {method, path};
    }

    @Test
    void everyServedPathReachesTheFunctionThatOwnsIt() {
        List<String> wrong = new ArrayList<>();
        for (String[] c : CASES) {
            Optional<FunctionGroup> owner = HttpRouter.route(c[0], c[1], Headers.of());
            assertTrue(owner.isPresent(), "the gateway does not serve " + c[0] + " " + c[1] + ": fix the test case");
            for (boolean stripLeadingSlash : new boolean[] {false, true}) {
                GatewayFunction routed = route(c[1], stripLeadingSlash);
                if (!routed.name().equals(owner.get().name())) {
                    wrong.add(c[0] + " " + c[1] + " -> " + routed + ", owned by " + owner.get()
                            + (stripLeadingSlash ? " (compared without the leading slash)" : ""));
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void everyFunctionIsReachable() {
        Set<GatewayFunction> targets = new HashSet<>();
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            targets.add(r.target());
        }
        targets.add(CloudFrontRoutes.DEFAULT);
        assertEquals(Set.of(GatewayFunction.values()), targets);
    }

    @Test
    void everyBehaviourIsUsedByAtLeastOneServedPath() {
        Set<String> used = new HashSet<>();
        for (String[] c : CASES) {
            for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
                if (matches(r.pathPattern(), c[1], false)) {
                    used.add(r.pathPattern());
                    break;
                }
            }
        }
        List<String> unused = new ArrayList<>();
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            if (!used.contains(r.pathPattern())) {
                unused.add(r.pathPattern());
            }
        }
        assertTrue(unused.isEmpty(), "behaviours no test path needs: " + unused);
    }

    @Test
    void patternsUseOnlyCharactersCloudFrontAccepts() {
        // CloudFront: at most 255 characters of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + (and & as &amp;); case-sensitive.
        Pattern allowed = Pattern.compile("[A-Za-z0-9_\\-.*$/~\"'@:+?]{1,255}");
        Set<String> seen = new HashSet<>();
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            assertTrue(allowed.matcher(r.pathPattern()).matches(), r.pathPattern());
            assertTrue(seen.add(r.pathPattern()), "duplicate pattern " + r.pathPattern());
        }
        assertTrue(CloudFrontRoutes.ROUTES.size() + 1 <= 25,
                "stay within 25 behaviours, the old default quota (now 75) some accounts still have");
    }

    @Test
    void wildcardSemanticsMatchTheCloudFrontDocumentation() {
        // Examples from the CloudFront developer guide, "Path pattern".
        assertTrue(matches("images/*.jpg", "/images/product1/sample.jpg", false));
        assertTrue(matches("*.jpg", "/a/b/c.jpg", false));
        assertTrue(matches("a??.jpg", "/abe.jpg", false));
        assertTrue(!matches("*.doc?", "/x.doc", false));
        assertTrue(matches("*.doc*", "/x.doc", false));
        assertTrue(!matches("*.jpg", "/LOGO.JPG", false));
    }

    /** First matching behaviour's function, or the default. */
    static GatewayFunction route(String path, boolean stripLeadingSlash) {
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            if (matches(r.pathPattern(), path, stripLeadingSlash)) {
                return r.target();
            }
        }
        return CloudFrontRoutes.DEFAULT;
    }

    /** CloudFront glob: whole-path match, {@code *} any run of characters (including {@code /}), {@code ?} one. */
    static boolean matches(String pattern, String path, boolean stripLeadingSlash) {
        String p = pattern;
        String s = path;
        if (stripLeadingSlash) {
            p = p.startsWith("/") ? p.substring(1) : p;
            s = s.startsWith("/") ? s.substring(1) : s;
        } else if (!p.startsWith("/") && !p.startsWith("*")) {
            p = "/" + p;
        }
        StringBuilder regex = new StringBuilder();
        for (char ch : p.toCharArray()) {
            switch (ch) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(s).matches();
    }
}
