package io.gproxy.transform.ir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where opaque reasoning values (signatures, encrypted reasoning) come from, and how a foreign one travels through
 * a client of another protocol.
 *
 * <p>Each provider verifies only its own values and rejects the others' (Claude: "Invalid signature in thinking
 * block"; OpenAI: {@code invalid_encrypted_content}; Gemini: invalid thought signature). So decoders record the
 * origin of what they read ({@link Content.Reasoning#origin()}), request encoders send a value upstream only when
 * its origin is their provider's or unknown ({@link #acceptedBy}), and client encoders give a foreign value to
 * their client wrapped ({@link #wrap}): the client sends it back unchanged, the decoder unwraps it with its
 * origin, and it reaches its own provider intact on a later turn. Chat needs no wrapping: its
 * {@code reasoning_details[].format} (OpenRouter's convention) names the origin, and these constants are those
 * format names.
 *
 * <p>The wrapped form is standard Base64 (the Gemini SDKs hold {@code thoughtSignature} as bytes, so anything else
 * would not survive them) of the UTF-8 text {@code gproxy.sig.v2:<origin>NUL<signature>NUL<encrypted>} (each part
 * possibly empty; opaque values never contain NUL). It always starts with {@link #WRAPPED_PREFIX}. The Responses codec's earlier plain-text
 * {@code gproxy.sig.v1:<base64url(signature)>.<encrypted>} is still read, with an unknown origin.
 */
public final class OpaqueReasoning {
    /** Claude {@code signature} / {@code redacted_thinking.data}. */
    public static final String ANTHROPIC = "anthropic-claude-v1";
    /** Gemini {@code thoughtSignature}. */
    public static final String GOOGLE = "google-gemini-v1";
    /** OpenAI Responses {@code encrypted_content}. */
    public static final String OPENAI = "openai-responses-v1";

    private static final String MAGIC = "gproxy.sig.v2:";
    private static final char SEP = '\u0000';
    private static final String LEGACY = "gproxy.sig.v1:";
    /** Base64 of {@code "gproxy.sig.v"} (12 bytes, so the encoding of what follows does not change it). */
    public static final String WRAPPED_PREFIX =
            Base64.getEncoder().encodeToString("gproxy.sig.v".getBytes(StandardCharsets.US_ASCII));

    private OpaqueReasoning() {}

    /** The origin, signature and encrypted reasoning a wrapped value carried; any of them may be null. */
    public record Opaque(String origin, String signature, String encrypted) {}

    /** Whether {@code provider}'s API accepts a value of this origin: its own, or one of unknown origin. */
    public static boolean acceptedBy(String origin, String provider) {
        return origin == null || origin.equals(provider);
    }

    /** Whether a value of this origin is foreign to {@code provider}'s clients (and so must be wrapped). */
    public static boolean foreignTo(String origin, String provider) {
        return origin != null && !origin.equals(provider);
    }

    /** A chat {@code reasoning_details[].format} (or any origin name) as an origin; "unknown" and blanks are null. */
    public static String originOf(String format) {
        return format == null || format.isBlank() || format.equals("unknown") ? null : format;
    }

    /** The wrapped form of opaque values for a client of another protocol; null when there is nothing opaque. */
    public static String wrap(String origin, String signature, String encrypted) {
        boolean sig = signature != null && !signature.isEmpty();
        boolean enc = encrypted != null && !encrypted.isEmpty();
        if (!sig && !enc) {
            return null;
        }
        String inner = MAGIC + (origin == null ? "" : origin) + SEP + (sig ? signature : "") + SEP
                + (enc ? encrypted : "");
        return Base64.getEncoder().encodeToString(inner.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a value is a wrapped one (of this or the legacy form). */
    public static boolean isWrapped(String value) {
        return value != null && (value.startsWith(WRAPPED_PREFIX) || value.startsWith(LEGACY));
    }

    /** The values a wrapped value carries; null when {@code value} is not a wrapped value. */
    public static Opaque unwrap(String value) {
        if (value == null) {
            return null;
        }
        try {
            if (value.startsWith(LEGACY)) {
                String rest = value.substring(LEGACY.length());
                int dot = rest.indexOf('.');
                String sig = unb64url(dot < 0 ? rest : rest.substring(0, dot));
                String enc = dot < 0 || dot == rest.length() - 1 ? null : rest.substring(dot + 1);
                return new Opaque(null, sig, enc);
            }
            if (!value.startsWith(WRAPPED_PREFIX)) {
                return null;
            }
            String inner = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            if (!inner.startsWith(MAGIC)) {
                return null;
            }
            String[] parts = inner.substring(MAGIC.length()).split(String.valueOf(SEP), -1);
            if (parts.length != 3) {
                return null;
            }
            return new Opaque(emptyToNull(parts[0]), emptyToNull(parts[1]), emptyToNull(parts[2]));
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    /** Whether a value survives a Gemini client untouched: canonical, padded standard Base64. */
    public static boolean isStandardBase64(String value) {
        if (value == null || value.isEmpty() || value.length() % 4 != 0) {
            return false;
        }
        try {
            return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(value)).equals(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String unb64url(String s) {
        return s.isEmpty() ? null : new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
