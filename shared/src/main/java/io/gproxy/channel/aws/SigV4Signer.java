package io.gproxy.channel.aws;

import io.gproxy.http.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 for request headers (no SDK signer: DESIGN §8 keeps the package small). Follows the
 * published algorithm: canonical request (method, canonical URI, canonical query, canonical headers, signed headers,
 * hex SHA-256 of the payload), string to sign ({@code AWS4-HMAC-SHA256}, amz date, scope, hash of the canonical
 * request), the derived key {@code HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")},
 * and the {@code Authorization} header.
 *
 * <p>Signed headers: {@code host}, {@code content-type} when present and every {@code x-amz-*} header. The canonical
 * URI encodes the raw (already encoded) request path once more, as every service but S3 expects: a Bedrock model id
 * {@code a:b} travels as {@code a%3Ab} and is signed as {@code a%253Ab}.
 */
public final class SigV4Signer {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private SigV4Signer() {}

    /** Long-term or temporary AWS credentials. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + "]";
        }
    }

    /** The intermediate values, for tests and debugging. */
    public record Signature(String canonicalRequest, String stringToSign, String signedHeaders, String signature,
                            String authorization, String amzDate) {}

    /**
     * Signs a request: adds {@code x-amz-date}, {@code x-amz-security-token} (temporary credentials) and
     * {@code authorization} to {@code headers}.
     */
    public static Signature sign(String method, URI uri, Headers headers, byte[] payload, Credentials credentials,
                                 String region, String service, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        headers.set("x-amz-date", amzDate);
        if (credentials.sessionToken() != null && !credentials.sessionToken().isBlank()) {
            headers.set("x-amz-security-token", credentials.sessionToken());
        }
        Signature s = compute(method, uri, headers, sha256Hex(payload == null ? new byte[0] : payload), credentials,
                region, service, amzDate);
        headers.set("authorization", s.authorization());
        return s;
    }

    /** Computes the signature of a request whose {@code x-amz-date} header is already set to {@code amzDate}. */
    public static Signature compute(String method, URI uri, Headers headers, String payloadSha256Hex,
                                    Credentials credentials, String region, String service, String amzDate) {
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("host", hostHeader(uri));
        for (Map.Entry<String, List<String>> e : headers.asMap().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type") || (name.startsWith("x-amz-") && !name.equals("x-amz-client-context"))) {
                List<String> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(trimAll(v)));
                signed.put(name, String.join(",", values));
            }
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        signed.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v).append('\n'));
        String signedHeaders = String.join(";", signed.keySet());
        String canonicalRequest = method.toUpperCase(Locale.ROOT) + '\n'
                + canonicalUri(uri, !"s3".equals(service)) + '\n'
                + canonicalQuery(uri.getRawQuery()) + '\n'
                + canonicalHeaders + '\n'
                + signedHeaders + '\n'
                + payloadSha256Hex;
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n'
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] key = signingKey(credentials.secretAccessKey(), date, region, service);
        String signature = HEX.formatHex(hmac(key, stringToSign));
        String authorization = ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
        return new Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization, amzDate);
    }

    public static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** The Host header as an HTTP client sends it: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443)
                || ("http".equals(uri.getScheme()) && port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /** The raw path with dot segments removed, each byte outside the unreserved set (and '/') percent-encoded. */
    static String canonicalUri(URI uri, boolean encodeAgain) {
        String raw = uri.normalize().getRawPath();
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        return encodeAgain ? uriEncode(raw, false) : raw;
    }

    /** Query parameters decoded, re-encoded (RFC 3986, {@code %20} for space) and sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String p : rawQuery.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            pairs.add(new String[]{uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** RFC 3986 encoding of UTF-8 bytes: unreserved characters stay, '/' stays unless {@code encodeSlash}. */
    public static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Decodes {@code %XX} escapes only ('+' stays a plus, as AWS reads it). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String trimAll(String v) {
        return v == null ? "" : v.trim().replaceAll("\\s+", " ");
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
