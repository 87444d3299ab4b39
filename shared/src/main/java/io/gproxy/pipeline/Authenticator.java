package io.gproxy.pipeline;

import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.http.HttpRequest;

/**
 * Resolves the presented gateway key against the snapshot by SHA-256 digest: no store read per request. The map
 * lookup compares digests, not keys, so timing reveals nothing about stored keys.
 */
public final class Authenticator {
    private Authenticator() {}

    public static KeyIdentity authenticate(HttpRequest request, ConfigSnapshot snapshot) throws GatewayError {
        String key = ClientKeys.extract(request.headers(), request.query()).orElseThrow(GatewayError::unauthorized);
        return snapshot.keyByDigest(KeyDigests.digest(key)).orElseThrow(GatewayError::unauthorized);
    }
}
