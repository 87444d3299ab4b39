package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * Google service-account auth (RFC 7523 JWT-bearer grant): an RS256 JWT with {@code iss} = client email,
 * {@code scope}, {@code aud} = token URI, {@code iat} and {@code exp} = iat + 1 h, signed with the account's
 * PKCS#8 private key, exchanged at the token URI for an access token.
 */
public final class GoogleServiceAccount {
    public static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    public static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    public static final String JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final long LIFETIME_SECONDS = 3600;

    private GoogleServiceAccount() {}

    /** The signed assertion. {@code keyId} ({@code private_key_id}) goes into the header when known. */
    public static String assertion(String clientEmail, String privateKeyPem, String keyId, String tokenUri,
                                   String scope, Instant now) throws GeneralSecurityException {
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("alg", "RS256").put("typ", "JWT");
        if (keyId != null) {
            header.put("kid", keyId);
        }
        long iat = now.getEpochSecond();
        ObjectNode claims = JsonNodeFactory.instance.objectNode()
                .put("iss", clientEmail).put("scope", scope).put("aud", tokenUri)
                .put("iat", iat).put("exp", iat + LIFETIME_SECONDS);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(privateKey(privateKeyPem));
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rsa.sign());
    }

    /** A PEM ({@code -----BEGIN PRIVATE KEY-----}, PKCS#8) RSA key, as in a service-account JSON file. */
    public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        if (pem == null) {
            throw new GeneralSecurityException("no private key");
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new GeneralSecurityException("PKCS#1 keys are not supported: use the service account's PKCS#8 key");
        }
        String base64 = pem.replace("\\n", "\n").replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("private key is not valid base64");
        }
    }
}
