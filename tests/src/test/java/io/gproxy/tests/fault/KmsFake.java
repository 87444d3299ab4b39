package io.gproxy.tests.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * KMS's JSON protocol for the real {@code KmsClient} (GenerateDataKey and Decrypt, AES-256-GCM under one key with
 * the encryption context as associated data), with injected failures on Decrypt: the few calls a gateway makes,
 * failing the way KMS fails. The shared module's FakeKmsServer is the full fake for the cipher's own tests; this
 * one lives here because test classes of another module are not on this module's class path.
 */
final class KmsFake implements AutoCloseable {
    static final String KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/fault-test";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final SecretKeySpec master;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile int decryptFailuresLeft;
    private volatile String failureType;
    private volatile int failureStatus;

    KmsFake() throws IOException {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        master = new SecretKeySpec(k, "AES");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code n} Decrypt calls fail with this KMS error type and status (n < 0: all, until healed). */
    synchronized void failDecrypt(int n, String type, int status) {
        decryptFailuresLeft = n;
        failureType = type;
        failureStatus = status;
    }

    synchronized void heal() {
        decryptFailuresLeft = 0;
    }

    int calls(String op) {
        AtomicInteger n = calls.get(op);
        return n == null ? 0 : n.get();
    }

    private synchronized boolean takeFailure() {
        if (decryptFailuresLeft == 0) {
            return false;
        }
        if (decryptFailuresLeft > 0) {
            decryptFailuresLeft--;
        }
        return true;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Target"));
            String op = target.substring(target.indexOf('.') + 1);
            calls.computeIfAbsent(op, x -> new AtomicInteger()).incrementAndGet();
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            ObjectNode out = JSON.createObjectNode();
            if (op.equals("Decrypt") && takeFailure()) {
                reply(ex, failureStatus, JSON.createObjectNode().put("__type", failureType).put("message", "injected"));
                return;
            }
            switch (op) {
                case "GenerateDataKey" -> {
                    byte[] dek = new byte[32];
                    RANDOM.nextBytes(dek);
                    out.put("CiphertextBlob", b64(gcm(Cipher.ENCRYPT_MODE, null, aad(req), dek)));
                    out.put("Plaintext", b64(dek)).put("KeyId", KEY_ARN);
                }
                case "Decrypt" -> {
                    byte[] blob = Base64.getDecoder().decode(req.path("CiphertextBlob").asText());
                    out.put("Plaintext", b64(gcm(Cipher.DECRYPT_MODE, blob, aad(req), null))).put("KeyId", KEY_ARN);
                }
                default -> {
                    reply(ex, 400, JSON.createObjectNode().put("__type", "UnknownOperationException"));
                    return;
                }
            }
            reply(ex, 200, out);
        } catch (GeneralSecurityException e) {
            reply(ex, 400, JSON.createObjectNode().put("__type", "InvalidCiphertextException"));
        }
    }

    /** Encrypt: iv | ct+tag of {@code plain}; decrypt: the plaintext of {@code blob}. */
    private byte[] gcm(int mode, byte[] blob, byte[] aad, byte[] plain) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        if (mode == Cipher.ENCRYPT_MODE) {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            c.init(mode, master, new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plain);
            return ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array();
        }
        c.init(mode, master, new GCMParameterSpec(128, blob, 0, 12));
        c.updateAAD(aad);
        return c.doFinal(blob, 12, blob.length - 12);
    }

    private static byte[] aad(JsonNode req) {
        Map<String, String> sorted = new TreeMap<>();
        req.path("EncryptionContext").fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        return sorted.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
