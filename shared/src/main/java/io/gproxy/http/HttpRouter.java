package io.gproxy.http;

import io.gproxy.protocol.RequestClassifier;
import io.gproxy.protocol.UnsupportedPathException;

import java.util.Optional;

/**
 * Path to function group (DESIGN §3), from the path alone, so the deployment can route with path patterns and
 * each function can refuse what is not its own. Ops and admin surfaces go to ADMIN; everything else is classified.
 */
public final class HttpRouter {
    private HttpRouter() {}

    public static Optional<FunctionGroup> route(String method, String rawPath, Headers headers) {
        if (isAdminPath(rawPath)) {
            return Optional.of(FunctionGroup.ADMIN);
        }
        try {
            return Optional.of(FunctionGroup.of(RequestClassifier.matchPath(method, rawPath, headers).group()));
        } catch (UnsupportedPathException e) {
            return Optional.empty();
        }
    }

    public static boolean isAdminPath(String rawPath) {
        return rawPath.equals("/") || rawPath.equals("/healthz") || rawPath.equals("/version") || rawPath.equals("/metrics")
                || hasPrefix(rawPath, "/admin") || hasPrefix(rawPath, "/user") || hasPrefix(rawPath, "/console");
    }

    private static boolean hasPrefix(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
