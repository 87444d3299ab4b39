package io.gproxy.transform.ir;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpaqueReasoningTest {

    @Test
    void wrappedValuesRoundTripWithTheirOrigin() {
        String wrapped = OpaqueReasoning.wrap(OpaqueReasoning.ANTHROPIC, "EqQBCkYIBxgC+/sig==", null);
        assertTrue(wrapped.startsWith(OpaqueReasoning.WRAPPED_PREFIX));
        assertTrue(OpaqueReasoning.isWrapped(wrapped));
        assertEquals(new OpaqueReasoning.Opaque(OpaqueReasoning.ANTHROPIC, "EqQBCkYIBxgC+/sig==", null),
                OpaqueReasoning.unwrap(wrapped));
        String both = OpaqueReasoning.wrap(null, "sig", "gAAAAB-_enc=");
        assertEquals(new OpaqueReasoning.Opaque(null, "sig", "gAAAAB-_enc="), OpaqueReasoning.unwrap(both));
        assertNull(OpaqueReasoning.wrap(OpaqueReasoning.GOOGLE, null, ""));
    }

    @Test
    void theWrappedFormSurvivesAGeminiSdk() {
        // google-genai holds thoughtSignature as byte[]: it decodes standard Base64 and re-encodes it padded
        String wrapped = OpaqueReasoning.wrap(OpaqueReasoning.OPENAI, null, "gAAAAABo-Fernet_token==");
        assertTrue(OpaqueReasoning.isStandardBase64(wrapped));
        String echoed = Base64.getEncoder().encodeToString(Base64.getDecoder().decode(wrapped));
        assertEquals(wrapped, echoed);
        assertFalse(OpaqueReasoning.isStandardBase64("gAAAAABo-Fernet_token=="));
    }

    @Test
    void plainValuesAndTheLegacyFormAreRecognised() {
        assertNull(OpaqueReasoning.unwrap("EqQBCkYIBxgCKkD"));
        assertNull(OpaqueReasoning.unwrap("gAAAAABoFernet"));
        assertNull(OpaqueReasoning.unwrap(null));
        // Base64 that merely starts like ours but is not a wrapped value
        String lookalike = Base64.getEncoder().encodeToString("gproxy.sig.v9 no".getBytes(StandardCharsets.UTF_8));
        assertNull(OpaqueReasoning.unwrap(lookalike));
        String legacySig = Base64.getUrlEncoder().withoutPadding().encodeToString("EqQBsig".getBytes(StandardCharsets.UTF_8));
        assertEquals(new OpaqueReasoning.Opaque(null, "EqQBsig", "redacted"),
                OpaqueReasoning.unwrap("gproxy.sig.v1:" + legacySig + ".redacted"));
    }

    @Test
    void originRules() {
        assertTrue(OpaqueReasoning.acceptedBy(null, OpaqueReasoning.ANTHROPIC));
        assertTrue(OpaqueReasoning.acceptedBy(OpaqueReasoning.ANTHROPIC, OpaqueReasoning.ANTHROPIC));
        assertFalse(OpaqueReasoning.acceptedBy(OpaqueReasoning.GOOGLE, OpaqueReasoning.ANTHROPIC));
        assertFalse(OpaqueReasoning.foreignTo(null, OpaqueReasoning.GOOGLE));
        assertTrue(OpaqueReasoning.foreignTo("xai-responses-v1", OpaqueReasoning.OPENAI));
        assertNull(OpaqueReasoning.originOf("unknown"));
        assertEquals(OpaqueReasoning.GOOGLE, OpaqueReasoning.originOf("google-gemini-v1"));
    }
}
