package io.gproxy.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Path templates ({@code /admin/orgs/{id}/teams}) to endpoints per method. A path that matches a template but not
 * the method is a 405 with the template's methods in {@code Allow}; a path matching nothing is a 404. Literal
 * segments win over parameters, so {@code /admin/providers/{id}/routing-rules/reset} is never read as an id.
 */
final class AdminRoutes {
    record Registered(Access access, Endpoint endpoint) {}

    /** Result of a lookup: the endpoint and its parameters, or the methods the path allows. */
    record Match(Registered registered, Map<String, String> params, Set<String> allowed) {}

    private record Template(String[] segments, Map<String, Registered> byMethod) {}

    private final List<Template> templates = new ArrayList<>();

    AdminRoutes add(String method, String path, Access access, Endpoint endpoint) {
        String[] segments = split(path);
        for (Template t : templates) {
            if (java.util.Arrays.equals(t.segments(), segments)) {
                if (t.byMethod().put(method, new Registered(access, endpoint)) != null) {
                    throw new IllegalStateException("duplicate route " + method + " " + path);
                }
                return this;
            }
        }
        Map<String, Registered> byMethod = new LinkedHashMap<>();
        byMethod.put(method, new Registered(access, endpoint));
        templates.add(new Template(segments, byMethod));
        return this;
    }

    /** Null when no template matches the path. */
    Match find(String method, String path) {
        String[] parts = split(path);
        Template best = null;
        Map<String, String> bestParams = null;
        int bestLiterals = -1;
        for (Template t : templates) {
            Map<String, String> params = match(t.segments(), parts);
            if (params == null) {
                continue;
            }
            int literals = t.segments().length - params.size();
            if (literals > bestLiterals) {
                best = t;
                bestParams = params;
                bestLiterals = literals;
            }
        }
        if (best == null) {
            return null;
        }
        String m = method.equals("HEAD") && !best.byMethod().containsKey("HEAD") ? "GET" : method;
        return new Match(best.byMethod().get(m), bestParams, new LinkedHashSet<>(best.byMethod().keySet()));
    }

    private static Map<String, String> match(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.substring(1).split("/", -1);
    }
}
