package io.gproxy.tests.e2e.badinput;

import java.util.List;
import java.util.Set;

/**
 * One route a generator aims at: method, path (with {@code {model}} where a Gemini path carries the model), a valid
 * body to mutate (null: the route takes none) and the request headers that carry a key the route accepts.
 */
public record Route(String method, String path, String validBody, List<String> authHeaders, Set<String> otherMethods) {
    public static final String MODEL = "openai/gpt-4o-mini";

    public Route(String method, String path, String validBody, List<String> authHeaders) {
        this(method, path, validBody, authHeaders, Set.of());
    }

    /** A route of the admin surface: its bodies are entities, not model calls. */
    public boolean admin() {
        return path.startsWith("/admin") || path.startsWith("/user");
    }

    public boolean hasBody() {
        return validBody != null;
    }

    /** The path with the model segment filled in. */
    public String pathFor(String model) {
        return path.replace("{model}", model);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
