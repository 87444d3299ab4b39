package io.gproxy.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Local-mode envelope encryption under {@code GPROXY_MASTER_KEY} (base64 of 32 bytes). Each secret gets a fresh
 * 256-bit data key; the plaintext is AES-256-GCM encrypted with it and the data key is AES-256-GCM wrapped by the
 * master key, both with the {@link SecretContext} as associated data. Same envelope shape as the KMS cipher, with
 * {@code kek} naming the master key by a fingerprint (never the key itself).
 *
 * <pre>{"v":1,"alg":"A256GCM","kek":"local-1a2b3c4d","wdek":"…","wiv":"…","iv":"…","ct":"…"}</pre>
 */
public final class MasterKeyCipher implements SecretCipher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec masterKey;
    private final String kekId;

    public MasterKeyCipher(byte[] masterKey) {
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("master key must be exactly 32 bytes");
        }
        this.masterKey = new SecretKeySpec(masterKey.clone(), "AES");
        this.kekId = "local-" + fingerprint(masterKey);
    }

    /** Parses {@code GPROXY_MASTER_KEY}: standard base64 of exactly 32 bytes. */
    public static MasterKeyCipher fromBase64(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GPROXY_MASTER_KEY is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("GPROXY_MASTER_KEY must decode to exactly 32 bytes, got " + key.length);
        }
        return new MasterKeyCipher(key);
    }

    public static String generateKeyBase64() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String kekId() {
        return kekId;
    }

    @Override
    public String seal(String plaintext, SecretContext context) {
        byte[] dek = new byte[32];
        RANDOM.nextBytes(dek);
        try {
            byte[] wrapIv = randomIv();
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, masterKey, wrapIv, context, dek);
            byte[] iv = randomIv();
            byte[] ct = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dek, "AES"), iv, context,
                    plaintext.getBytes(StandardCharsets.UTF_8));
            ObjectNode env = JSON.createObjectNode();
            env.put("v", 1);
            env.put("alg", "A256GCM");
            env.put("kek", kekId);
            env.put("wdek", b64(wrapped));
            env.put("wiv", b64(wrapIv));
            env.put("iv", b64(iv));
            env.put("ct", b64(ct));
            return env.toString();
        } catch (GeneralSecurityException e) {
            throw new SecretSealingException("sealing failed", e);
        } finally {
            Arrays.fill(dek, (byte) 0);
        }
    }

    @Override
    public String open(String envelope, SecretContext context) {
        JsonNode env;
        try {
            env = JSON.readTree(envelope);
        } catch (Exception e) {
            throw new SecretSealingException("sealed secret for " + context.entity() + " " + context.id() + " is not an envelope");
        }
        if (env.path("v").asInt() != 1 || !"A256GCM".equals(env.path("alg").asText())) {
            throw new SecretSealingException("unsupported envelope version for " + context.entity() + " " + context.id());
        }
        String kek = env.path("kek").asText();
        if (!kekId.equals(kek)) {
            throw new SecretSealingException("secret of " + context.entity() + " " + context.id() + " was sealed with key "
                    + kek + " but the current master key is " + kekId);
        }
        byte[] dek = null;
        try {
            dek = gcm(Cipher.DECRYPT_MODE, masterKey, unb64(env, "wiv"), context, unb64(env, "wdek"));
            byte[] pt = gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dek, "AES"), unb64(env, "iv"), context, unb64(env, "ct"));
            return new String(pt, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretSealingException("secret of " + context.entity() + " " + context.id()
                    + " does not open: tampered, or sealed for another entity");
        } finally {
            if (dek != null) {
                Arrays.fill(dek, (byte) 0);
            }
        }
    }

    private static byte[] gcm(int mode, SecretKeySpec key, byte[] iv, SecretContext ctx, byte[] input)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        c.updateAAD(ctx.associatedData());
        return c.doFinal(input);
    }

    private static byte[] randomIv() {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        return iv;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode env, String field) {
        return Base64.getDecoder().decode(env.path(field).asText());
    }

    private static String fingerprint(byte[] key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
