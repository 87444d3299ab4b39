package io.gproxy.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM KMS speaking the JSON 1.1 protocol the AWS SDK sends (spec/aws.md B4), for tests with the real
 * {@code KmsClient} via {@code endpointOverride}. Implements {@code TrentService.GenerateDataKey}, {@code Decrypt}
 * and {@code Encrypt} with real AES-256-GCM under a random per-key master key. A ciphertext blob is
 * {@code u16 len | key ARN | 12-byte IV | ct+tag}, with the key ARN and the canonicalised encryption context as
 * AAD, so a wrong context or a flipped byte fails exactly as in KMS ({@code InvalidCiphertextException}).
 * No SigV4 check: any credentials pass.
 *
 * <p>Tests can count calls per operation (failed ones included) and make the next N calls fail with a chosen
 * error type and status. Note the SDK's default retry policy retries 5xx and throttling errors, so tests that
 * inject failures should build the client with retries off.
 */
final class FakeKmsServer implements AutoCloseable {
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "111122223333";
    static final String DEFAULT_ALIAS = "alias/gproxy-test";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final HttpServer server;
    private final Map<String, SecretKeySpec> keysByArn = new ConcurrentHashMap<>();
    private final Map<String, String> arnByAlias = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> lastRequests = new ConcurrentHashMap<>();
    private final String defaultKeyArn;

    private int failuresLeft;
    private String failureType;
    private int failureStatus;

    private FakeKmsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        defaultKeyArn = createKey(DEFAULT_ALIAS);
    }

    static FakeKmsServer start() throws IOException {
        FakeKmsServer fake = new FakeKmsServer();
        fake.server.start();
        return fake;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    String defaultKeyArn() {
        return defaultKeyArn;
    }

    /** Creates a key with its own random master key; {@code alias} (e.g. "alias/x") may be null. Returns its ARN. */
    String createKey(String alias) {
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + UUID.randomUUID();
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        keysByArn.put(arn, new SecretKeySpec(k, "AES"));
        if (alias != null) {
            arnByAlias.put(alias, arn);
        }
        return arn;
    }

    /** Calls received for an operation name such as "Decrypt", including failed ones. */
    int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    /** The last request body received for an operation, or null. */
    JsonNode lastRequest(String operation) {
        return lastRequests.get(operation);
    }

    /** Makes the next {@code n} calls (any operation) fail with {@code {"__type":type}} and {@code status}. */
    synchronized void failNext(int n, String type, int status) {
        failuresLeft = n;
        failureType = type;
        failureStatus = status;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- protocol ---------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String op = target != null && target.startsWith("TrentService.") ? target.substring(13) : String.valueOf(target);
            calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            JsonNode req;
            try (InputStream in = ex.getRequestBody()) {
                req = JSON.readTree(in.readAllBytes());
            }
            lastRequests.put(op, req);
            Failure injected = takeInjectedFailure();
            if (injected != null) {
                reply(ex, injected.status(), error(injected.type(), "injected failure"));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod()) || !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"))
                    .startsWith(CONTENT_TYPE)) {
                reply(ex, 400, error("SerializationException", "expected POST " + CONTENT_TYPE));
                return;
            }
            try {
                ObjectNode body = switch (op) {
                    case "GenerateDataKey" -> generateDataKey(req);
                    case "Encrypt" -> encrypt(req);
                    case "Decrypt" -> decrypt(req);
                    default -> throw new KmsError("UnknownOperationException", "unsupported operation " + op);
                };
                reply(ex, 200, body);
            } catch (KmsError e) {
                reply(ex, 400, error(e.type, e.getMessage()));
            }
        }
    }

    private ObjectNode generateDataKey(JsonNode req) {
        String arn = resolve(req.path("KeyId").asText(null));
        int n;
        if (req.hasNonNull("NumberOfBytes")) {
            n = req.path("NumberOfBytes").asInt();
        } else {
            n = switch (req.path("KeySpec").asText("")) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> throw new KmsError("ValidationException", "KeySpec or NumberOfBytes is required");
            };
        }
        if (n < 1 || n > 1024) {
            throw new KmsError("ValidationException", "NumberOfBytes out of range");
        }
        byte[] dataKey = new byte[n];
        RANDOM.nextBytes(dataKey);
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", b64(wrap(arn, dataKey, req.path("EncryptionContext"))));
        out.put("Plaintext", b64(dataKey));
        out.put("KeyId", arn);
        return out;
    }

    private ObjectNode encrypt(JsonNode req) {
        String arn = resolve(req.path("KeyId").asText(null));
        byte[] plaintext = unb64(req, "Plaintext", "ValidationException");
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", b64(wrap(arn, plaintext, req.path("EncryptionContext"))));
        out.put("KeyId", arn);
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    private ObjectNode decrypt(JsonNode req) {
        ByteBuffer blob = ByteBuffer.wrap(unb64(req, "CiphertextBlob", "InvalidCiphertextException"));
        String arn;
        byte[] iv = new byte[12];
        byte[] ct;
        try {
            byte[] arnBytes = new byte[blob.getShort() & 0xffff];
            blob.get(arnBytes).get(iv);
            arn = new String(arnBytes, StandardCharsets.UTF_8);
            ct = new byte[blob.remaining()];
            blob.get(ct);
        } catch (RuntimeException e) {
            throw new KmsError("InvalidCiphertextException", "malformed ciphertext blob");
        }
        SecretKeySpec key = keysByArn.get(arn);
        if (key == null) {
            throw new KmsError("InvalidCiphertextException", "ciphertext refers to an unknown key");
        }
        if (req.hasNonNull("KeyId") && !arn.equals(resolve(req.path("KeyId").asText()))) {
            throw new KmsError("IncorrectKeyException", "the key ID in the request does not identify the key used");
        }
        byte[] plaintext;
        try {
            plaintext = gcm(Cipher.DECRYPT_MODE, key, iv, aad(arn, req.path("EncryptionContext")), ct);
        } catch (GeneralSecurityException e) {
            throw new KmsError("InvalidCiphertextException", null);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("KeyId", arn);
        out.put("Plaintext", b64(plaintext));
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    // ---- crypto -----------------------------------------------------------------------------------------------------

    private byte[] wrap(String arn, byte[] plaintext, JsonNode encryptionContext) {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        try {
            byte[] ct = gcm(Cipher.ENCRYPT_MODE, keysByArn.get(arn), iv, aad(arn, encryptionContext), plaintext);
            byte[] arnBytes = arn.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(2 + arnBytes.length + iv.length + ct.length)
                    .putShort((short) arnBytes.length).put(arnBytes).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key ARN + NUL + the context as sorted-key JSON: KMS treats the context as an unordered map. */
    private static byte[] aad(String arn, JsonNode encryptionContext) {
        Map<String, String> sorted = new TreeMap<>();
        if (encryptionContext != null && encryptionContext.isObject()) {
            encryptionContext.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        }
        return (arn + "\u0000" + JSON.valueToTree(sorted)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gcm(int mode, SecretKeySpec key, byte[] iv, byte[] aad, byte[] input)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        return c.doFinal(input);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** Key id, key ARN, alias name or alias ARN → key ARN, as KMS resolves KeyId. */
    private String resolve(String keyId) {
        if (keyId == null || keyId.isBlank()) {
            throw new KmsError("ValidationException", "KeyId is required");
        }
        String arn;
        if (keyId.startsWith("alias/")) {
            arn = arnByAlias.get(keyId);
        } else if (keyId.startsWith("arn:") && keyId.contains(":alias/")) {
            arn = arnByAlias.get(keyId.substring(keyId.indexOf(":alias/") + 1));
        } else if (keyId.startsWith("arn:")) {
            arn = keysByArn.containsKey(keyId) ? keyId : null;
        } else {
            arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + keyId;
        }
        if (arn == null || !keysByArn.containsKey(arn)) {
            throw new KmsError("NotFoundException", "Key '" + keyId + "' does not exist");
        }
        return arn;
    }

    private record Failure(String type, int status) {}

    private synchronized Failure takeInjectedFailure() {
        if (failuresLeft <= 0) {
            return null;
        }
        failuresLeft--;
        return new Failure(failureType, failureStatus);
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("__type", type);
        if (message != null) {
            e.put("message", message);
        }
        return e;
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] unb64(JsonNode req, String field, String errorType) {
        try {
            return Base64.getDecoder().decode(req.path(field).asText(""));
        } catch (IllegalArgumentException e) {
            throw new KmsError(errorType, field + " is not base64");
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static final class KmsError extends RuntimeException {
        final String type;

        KmsError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }
}
