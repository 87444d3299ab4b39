package io.gproxy.transform.responses;

import io.gproxy.transform.ir.OpaqueReasoning;

/**
 * The {@code encrypted_content} of a reasoning item for a Responses client, and back. Responses reasoning items have
 * no signature field, and clients such as Codex only send back {@code encrypted_content} (unknown fields are lost
 * when they re-serialise the item), so a foreign signature (Claude {@code signature}, Gemini
 * {@code thoughtSignature}) rides inside {@code encrypted_content} in the {@link OpaqueReasoning#wrap wrapped form},
 * and so does encrypted reasoning that OpenAI did not issue (Claude {@code redacted_thinking}). OpenAI's own
 * encrypted content (or content of unknown origin) stays as it is. Decoding splits a wrapped value again, so the
 * Claude or Gemini upstream gets its value back unchanged on the next turn, and OpenAI never sees a foreign one.
 */
final class ReasoningEnvelope {
    private ReasoningEnvelope() {}

    /** The {@code encrypted_content} to send to a client, or null when there is nothing opaque to carry. */
    static String wrap(String signature, String encrypted, String origin) {
        boolean sig = signature != null && !signature.isEmpty();
        if (!sig && (encrypted == null || !OpaqueReasoning.foreignTo(origin, OpaqueReasoning.OPENAI))) {
            return encrypted == null || encrypted.isEmpty() ? null : encrypted;
        }
        return OpaqueReasoning.wrap(origin, signature, encrypted);
    }

    /** {@link #wrap(String, String, String)} for values of unknown origin. */
    static String wrap(String signature, String encrypted) {
        return wrap(signature, encrypted, null);
    }

    /** Splits an {@code encrypted_content} value; a plain value is OpenAI's encrypted reasoning. */
    static Opaque unwrap(String encryptedContent) {
        if (encryptedContent == null || encryptedContent.isEmpty()) {
            return new Opaque(null, null, null);
        }
        OpaqueReasoning.Opaque wrapped = OpaqueReasoning.unwrap(encryptedContent);
        if (wrapped != null) {
            return new Opaque(wrapped.signature(), wrapped.encrypted(), wrapped.origin());
        }
        return new Opaque(null, encryptedContent, OpaqueReasoning.OPENAI);
    }

    record Opaque(String signature, String encrypted, String origin) {}
}
