package io.gproxy.transform.responses;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Carries a foreign reasoning signature (Claude {@code signature}, Gemini {@code thoughtSignature}) through a
 * Responses client. Responses reasoning items have no signature field, and clients such as Codex only send back
 * {@code encrypted_content} (unknown fields are lost when they re-serialise the item), so the signature rides inside
 * {@code encrypted_content} under a prefix that real OpenAI blobs never carry. Decoding splits it again, so the
 * Claude or Gemini upstream gets its signature back unchanged on the next turn.
 *
 * <p>Format: {@code gproxy.sig.v1:<base64url(signature)>.<encrypted or empty>}.
 */
final class ReasoningEnvelope {
    static final String PREFIX = "gproxy.sig.v1:";

    private ReasoningEnvelope() {}

    /** The {@code encrypted_content} to send to a client, or null when there is nothing opaque to carry. */
    static String wrap(String signature, String encrypted) {
        if (signature == null || signature.isEmpty()) {
            return encrypted;
        }
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(signature.getBytes(StandardCharsets.UTF_8));
        return PREFIX + sig + "." + (encrypted == null ? "" : encrypted);
    }

    /** Splits an {@code encrypted_content} value; plain values come back as encrypted with no signature. */
    static Opaque unwrap(String encryptedContent) {
        if (encryptedContent == null || encryptedContent.isEmpty()) {
            return new Opaque(null, null);
        }
        if (!encryptedContent.startsWith(PREFIX)) {
            return new Opaque(null, encryptedContent);
        }
        String rest = encryptedContent.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        String sigPart = dot < 0 ? rest : rest.substring(0, dot);
        String enc = dot < 0 || dot == rest.length() - 1 ? null : rest.substring(dot + 1);
        try {
            String sig = new String(Base64.getUrlDecoder().decode(sigPart), StandardCharsets.UTF_8);
            return new Opaque(sig, enc);
        } catch (IllegalArgumentException e) {
            return new Opaque(null, encryptedContent); // not ours after all: pass it on untouched
        }
    }

    record Opaque(String signature, String encrypted) {}
}
