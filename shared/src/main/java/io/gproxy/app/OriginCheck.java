package io.gproxy.app;

import io.gproxy.http.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * In AWS the Function URLs are public (clients cannot sign requests), so CloudFront adds a secret header and the
 * functions refuse requests without it: only traffic through the distribution reaches the gateway. Compared in
 * constant time; several values are accepted while the secret rotates. No secrets configured: no check (local).
 */
final class OriginCheck {
    static final String HEADER = "x-gproxy-origin-verify";

    private final List<byte[]> secrets;

    OriginCheck(List<String> secrets) {
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    boolean admits(Headers headers) {
        if (secrets.isEmpty()) {
            return true;
        }
        String presented = headers.firstOrNull(HEADER);
        if (presented == null) {
            return false;
        }
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] s : secrets) {
            ok |= MessageDigest.isEqual(s, p); // no early exit: every candidate is compared
        }
        return ok;
    }
}
