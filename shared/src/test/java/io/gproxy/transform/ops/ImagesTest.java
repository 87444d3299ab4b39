package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.gproxy.transform.ops.CountTokensTest.ctx;
import static io.gproxy.transform.ops.TokenCounterTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagesTest {
    /** A gemini-2.5-flash-image answer: commentary text, then the image. */
    static final String GEMINI_IMAGE_ANSWER = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Here is your otter."},
              {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":1290,"totalTokenCount":1299,
              "promptTokensDetails":[{"modality":"TEXT","tokenCount":9}],
              "candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1290}]},
             "modelVersion":"gemini-2.5-flash-image","responseId":"abc"}""";

    @Test
    void createImageRequest() throws Exception {
        TransformContext ctx = ctx();
        Images.GeminiCall call = Images.openAiToGemini(json("""
                {"model":"gemini/gemini-2.5-flash-image","prompt":"A cute baby sea otter","n":1,"size":"1536x1024",
                 "quality":"high","response_format":"b64_json"}"""), "gemini-2.5-flash-image", false, ctx);
        assertEquals("/v1beta/models/gemini-2.5-flash-image:generateContent", call.path());
        assertEquals("""
                {"contents":[{"role":"user","parts":[{"text":"A cute baby sea otter"}]}],\
                "generationConfig":{"responseModalities":["IMAGE"],"imageConfig":{"aspectRatio":"3:2"}}}""",
                call.body().toString());
        assertEquals(Set.of("quality"), ctx.loss().dropped());
    }

    @Test
    void severalImagesAskForCandidates() throws Exception {
        Images.GeminiCall call = Images.openAiToGemini(json("{\"prompt\":\"x\",\"n\":3,\"size\":\"auto\"}"), "m", false, ctx());
        assertEquals("{\"responseModalities\":[\"IMAGE\"],\"candidateCount\":3}", call.body().get("generationConfig").toString());
    }

    @Test
    void editImageRequestSendsDataUrlImagesInline() throws Exception {
        TransformContext ctx = ctx();
        Images.GeminiCall call = Images.openAiToGemini(json("""
                {"model":"gemini-2.5-flash-image","prompt":"Add a hat",
                 "images":[{"image_url":"data:image/jpeg;base64,/9j/4AAQ"}],"mask":{"image_url":"data:image/png;base64,AA=="}}"""),
                "gemini-2.5-flash-image", true, ctx);
        assertEquals("""
                {"role":"user","parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}},{"text":"Add a hat"}]}""",
                call.body().at("/contents/0").toString());
        assertEquals(Set.of("mask"), ctx.loss().dropped());
        assertThrows(TransformException.class, () -> Images.openAiToGemini(json("""
                {"prompt":"x","images":[{"file_id":"file-abc"}]}"""), "m", true, ctx()));
        assertThrows(TransformException.class, () -> Images.openAiToGemini(json("""
                {"prompt":"x","images":[{"image_url":"https://example.com/a.png"}]}"""), "m", true, ctx()));
        assertThrows(TransformException.class, () -> Images.openAiToGemini(json("{\"prompt\":\"x\"}"), "m", true, ctx()));
    }

    @Test
    void badRequests() {
        assertThrows(TransformException.class, () -> Images.openAiToGemini(json("{\"model\":\"m\"}"), "m", false, ctx()));
        assertThrows(TransformException.class, () -> Images.openAiToGemini(json("{\"prompt\":\"x\",\"n\":0}"), "m", false, ctx()));
        assertThrows(TransformException.class,
                () -> Images.openAiToGemini(json("{\"prompt\":\"x\",\"response_format\":\"svg\"}"), "m", false, ctx()));
    }

    @Test
    void aspectRatios() {
        assertEquals("1:1", Images.aspectRatio("1024x1024"));
        assertEquals("3:2", Images.aspectRatio("1536x1024"));
        assertEquals("2:3", Images.aspectRatio("1024x1536"));
        assertEquals("16:9", Images.aspectRatio("1792x1024"));
        assertEquals("9:16", Images.aspectRatio("1024x1792"));
        assertEquals("1:1", Images.aspectRatio("256x256"));
        assertNull(Images.aspectRatio("auto"));
        assertNull(Images.aspectRatio(null));
        assertNull(Images.aspectRatio("big"));
    }

    @Test
    void geminiAnswerAsOpenAiImages() throws Exception {
        Images.GeminiCall call = Images.openAiToGemini(json("{\"prompt\":\"otter\"}"), "gemini-2.5-flash-image", false, ctx());
        ObjectNode out = Images.geminiToOpenAiResponse(json(GEMINI_IMAGE_ANSWER), call, 1_700_000_000L);
        assertEquals(1_700_000_000L, out.get("created").asLong());
        assertEquals(1, out.get("data").size());
        assertTrue(out.at("/data/0/b64_json").asText().startsWith("iVBORw0KGgo"));
        assertEquals("png", out.get("output_format").asText());
        assertEquals("""
                {"input_tokens":9,"output_tokens":1290,"total_tokens":1299,"input_tokens_details":{"text_tokens":9,"image_tokens":0}}""",
                out.get("usage").toString());
    }

    @Test
    void urlResponseFormatGetsADataUrl() throws Exception {
        Images.GeminiCall call = Images.openAiToGemini(json("{\"prompt\":\"otter\",\"response_format\":\"url\"}"), "m", false, ctx());
        ObjectNode out = Images.geminiToOpenAiResponse(json(GEMINI_IMAGE_ANSWER), call, 0);
        assertTrue(out.at("/data/0/url").asText().startsWith("data:image/png;base64,iVBORw0KGgo"));
    }

    @Test
    void answerWithoutImageNamesTheReason() throws Exception {
        Images.GeminiCall call = Images.openAiToGemini(json("{\"prompt\":\"otter\"}"), "m", false, ctx());
        TransformException e = assertThrows(TransformException.class, () -> Images.geminiToOpenAiResponse(json("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"I can't draw that."}]},"finishReason":"IMAGE_SAFETY"}]}"""),
                call, 0));
        assertTrue(e.getMessage().contains("IMAGE_SAFETY"), e.getMessage());
        TransformException blocked = assertThrows(TransformException.class, () -> Images.geminiToOpenAiResponse(
                json("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}"), call, 0));
        assertTrue(blocked.getMessage().contains("SAFETY"), blocked.getMessage());
    }
}
