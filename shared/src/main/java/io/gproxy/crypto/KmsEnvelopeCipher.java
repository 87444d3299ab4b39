package io.gproxy.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envelope encryption of upstream secrets under an AWS KMS key (DESIGN §6, spec/aws.md D6). Each seal asks KMS
 * for a fresh 256-bit data key ({@code GenerateDataKey}) under an encryption context that binds the secret to its
 * entity and id, encrypts locally with AES-256-GCM using the canonical form of that context as associated data,
 * and zeroes the data key. Opening calls {@code Decrypt} with the same context, so KMS itself (and CloudTrail)
 * refuses a sealed value copied onto another item. Envelope, in the same family as {@link MasterKeyCipher}'s:
 *
 * <pre>{"v":1,"alg":"KMS-A256GCM","kek":"arn:aws:kms:…:key/…","edk":"…","iv":"…","ct":"…"}</pre>
 *
 * <p><b>Data-key cache and SnapStart.</b> Decrypted data keys are cached per container (default 5 minutes,
 * 1024 entries) so a warm function does not call KMS per request. The cache fills only on {@link #open}; nothing
 * may open secrets before a SnapStart checkpoint, and the runtime's before-checkpoint hook must call
 * {@link #clearCache()} anyway, so no data key is ever written into a snapshot.
 *
 * <p>Failures are {@link SecretSealingException}s naming entity and id, never secret material; KMS throttling
 * and KMS unavailability get their own messages so operators can tell them from tampering.
 */
public final class KmsEnvelopeCipher implements SecretCipher {
    public static final String ALG = "KMS-A256GCM";
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final int DEFAULT_CACHE_ENTRIES = 1024;

    /** Encryption-context keys; changing them makes every existing envelope unopenable. */
    static final String CTX_ENTITY = "gproxy:entity";
    static final String CTX_ID = "gproxy:id";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;
    private static final int DEK_BYTES = 32;

    private final KmsClient kms;
    private final String keyId;
    private final DataKeyCache cache;

    /** Production form: system clock, default cache. {@code keyId} may be a key id, key ARN, alias name or alias ARN. */
    public KmsEnvelopeCipher(KmsClient kms, String keyId) {
        this(kms, keyId, Clock.systemUTC(), DEFAULT_CACHE_TTL, DEFAULT_CACHE_ENTRIES);
    }

    /** A zero {@code cacheTtl} or {@code cacheEntries} disables the data-key cache. */
    public KmsEnvelopeCipher(KmsClient kms, String keyId, Clock clock, Duration cacheTtl, int cacheEntries) {
        if (kms == null || keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a KMS client and a KMS key id, ARN or alias are required");
        }
        this.kms = kms;
        this.keyId = keyId.trim();
        this.cache = new DataKeyCache(clock, cacheTtl, cacheEntries);
    }

    public String keyId() {
        return keyId;
    }

    /** Empties (and zeroes) the data-key cache. Call it from the SnapStart before-checkpoint hook. */
    public void clearCache() {
        cache.clear();
    }

    int cachedKeys() {
        return cache.size();
    }

    @Override
    public String seal(String plaintext, SecretContext context) {
        Map<String, String> ec = encryptionContext(context);
        GenerateDataKeyResponse resp;
        try {
            resp = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(ec));
        } catch (SdkException e) {
            throw kmsFailure("seal", context, e);
        }
        // asByteArrayUnsafe: the SDK's own array where possible, so zeroing it below leaves no copy of ours behind.
        byte[] dek = resp.plaintext() == null ? new byte[0] : resp.plaintext().asByteArrayUnsafe();
        try {
            if (dek.length != DEK_BYTES || resp.ciphertextBlob() == null) {
                throw new SecretSealingException("KMS returned an unusable data key while sealing the secret of "
                        + describe(context));
            }
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            byte[] ct = gcm(Cipher.ENCRYPT_MODE, dek, iv, ec, plaintext.getBytes(StandardCharsets.UTF_8));
            ObjectNode env = JSON.createObjectNode();
            env.put("v", 1); // first, so SecretCipher.looksSealed recognises the envelope
            env.put("alg", ALG);
            env.put("kek", resp.keyId() == null ? keyId : resp.keyId());
            env.put("edk", b64(resp.ciphertextBlob().asByteArrayUnsafe()));
            env.put("iv", b64(iv));
            env.put("ct", b64(ct));
            return env.toString();
        } catch (GeneralSecurityException e) {
            throw new SecretSealingException("sealing the secret of " + describe(context) + " failed", e);
        } finally {
            Arrays.fill(dek, (byte) 0);
        }
    }

    @Override
    public String open(String envelope, SecretContext context) {
        Map<String, String> ec = encryptionContext(context);
        JsonNode env = parse(envelope, context);
        byte[] edk;
        byte[] iv;
        byte[] ct;
        try {
            edk = Base64.getDecoder().decode(env.path("edk").asText());
            iv = Base64.getDecoder().decode(env.path("iv").asText());
            ct = Base64.getDecoder().decode(env.path("ct").asText());
        } catch (IllegalArgumentException e) {
            throw doesNotOpen(context, null);
        }
        if (edk.length == 0 || iv.length != IV_BYTES || ct.length < TAG_BITS / 8) {
            throw doesNotOpen(context, null);
        }
        String cacheKey = b64(edk) + "|" + canonical(ec);
        byte[] dek = cache.get(cacheKey);
        try {
            if (dek == null) {
                dek = decryptDataKey(edk, env.path("kek").asText(""), ec, context);
                cache.put(cacheKey, dek);
            }
            return new String(gcm(Cipher.DECRYPT_MODE, dek, iv, ec, ct), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw doesNotOpen(context, e);
        } finally {
            if (dek != null) {
                Arrays.fill(dek, (byte) 0);
            }
        }
    }

    private byte[] decryptDataKey(byte[] edk, String kek, Map<String, String> ec, SecretContext context) {
        DecryptResponse resp;
        try {
            // Naming the key (the envelope's key ARN) is KMS's recommended practice: Decrypt then fails
            // rather than silently using whatever key the blob names.
            resp = kms.decrypt(r -> {
                r.ciphertextBlob(SdkBytes.fromByteArray(edk)).encryptionContext(ec);
                if (!kek.isBlank()) {
                    r.keyId(kek);
                }
            });
        } catch (SdkException e) {
            throw kmsFailure("open", context, e);
        }
        byte[] dek = resp.plaintext() == null ? new byte[0] : resp.plaintext().asByteArrayUnsafe();
        if (dek.length != DEK_BYTES) {
            Arrays.fill(dek, (byte) 0);
            throw doesNotOpen(context, null);
        }
        return dek;
    }

    private JsonNode parse(String envelope, SecretContext context) {
        JsonNode env;
        try {
            env = envelope == null ? null : JSON.readTree(envelope);
        } catch (JsonProcessingException e) {
            env = null;
        }
        if (env == null || !env.isObject()) {
            throw new SecretSealingException("sealed secret of " + describe(context) + " is not an envelope");
        }
        String alg = env.path("alg").asText();
        if ("A256GCM".equals(alg)) {
            throw new SecretSealingException("secret of " + describe(context) + " was sealed with the local master key"
                    + " (GPROXY_MASTER_KEY), not KMS; re-enter it or open it with the master-key cipher");
        }
        if (env.path("v").asInt() != 1 || !ALG.equals(alg)) {
            throw new SecretSealingException("unsupported envelope version or algorithm for the secret of "
                    + describe(context));
        }
        return env;
    }

    /** Maps an SDK failure to a message operators can act on; KMS error codes are safe to show, secrets never are. */
    private static SecretSealingException kmsFailure(String op, SecretContext context, SdkException e) {
        if (e instanceof InvalidCiphertextException || e instanceof IncorrectKeyException) {
            return doesNotOpen(context, e);
        }
        String code = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                ? ase.awsErrorDetails().errorCode() : null;
        if (e instanceof AwsServiceException ase && ase.isThrottlingException()) {
            return new SecretSealingException("KMS is throttling requests (" + code + "); could not " + op
                    + " the secret of " + describe(context) + ", retry later", e);
        }
        if (e instanceof SdkClientException || e instanceof KmsInternalException
                || e instanceof DependencyTimeoutException || e instanceof KeyUnavailableException
                || (e instanceof AwsServiceException ase && ase.statusCode() >= 500)) {
            return new SecretSealingException("KMS is unavailable" + (code == null ? "" : " (" + code + ")")
                    + "; could not " + op + " the secret of " + describe(context) + ", retry later", e);
        }
        return new SecretSealingException("KMS refused to " + op + " the secret of " + describe(context)
                + (code == null ? "" : ": " + code), e);
    }

    private static SecretSealingException doesNotOpen(SecretContext context, Throwable cause) {
        return new SecretSealingException("secret of " + describe(context)
                + " does not open: wrong context (sealed for another entity) or tampered", cause);
    }

    private static String describe(SecretContext context) {
        return context.entity() + " " + context.id();
    }

    private static Map<String, String> encryptionContext(SecretContext context) {
        if (context == null || context.entity() == null || context.id() == null) {
            throw new IllegalArgumentException("a secret context needs an entity and an id");
        }
        return Map.of(CTX_ENTITY, context.entity(), CTX_ID, context.id());
    }

    /** The encryption context as sorted-key JSON: unambiguous whatever characters entity and id contain. */
    static String canonical(Map<String, String> ec) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(ec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, Map<String, String> ec, byte[] input)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        c.updateAAD(canonical(ec).getBytes(StandardCharsets.UTF_8));
        return c.doFinal(input);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
