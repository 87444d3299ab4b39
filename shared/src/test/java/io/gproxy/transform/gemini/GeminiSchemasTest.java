package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.assertJson;
import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Tool;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.Set;

class GeminiSchemasTest {

    private static ObjectNode schema(String text) {
        return (ObjectNode) json(text);
    }

    @Test
    void metadataKeywordsAreDroppedEverywhereButPropertyNamesStay() {
        LossReport loss = new LossReport();
        ObjectNode in = schema("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:x","type":"object",
                 "properties":{"$id":{"type":"string","$comment":"a property named $id"},
                   "list":{"type":"array","items":{"$schema":"x","type":"string","enum":["$schema"]}}},
                 "additionalProperties":false,"anyOf":[{"required":["$id"]}]}""");
        ObjectNode before = in.deepCopy();
        ObjectNode out = GeminiSchemas.toGemini(in, "tools.parameters", loss);
        assertJson("""
                {"type":"object",
                 "properties":{"$id":{"type":"string"},
                   "list":{"type":"array","items":{"type":"string","enum":["$schema"]}}},
                 "additionalProperties":false,"anyOf":[{"required":["$id"]}]}""", out);
        assertEquals(before, in, "the IR schema is not mutated");
        assertEquals(Set.of("tools.parameters.$schema", "tools.parameters.$id", "tools.parameters.$comment"),
                loss.dropped());
    }

    @Test
    void sameDocumentReferencesAreInlinedWithTheirSiblings() {
        LossReport loss = new LossReport();
        ObjectNode out = GeminiSchemas.toGemini(schema("""
                {"type":"object","$defs":{
                   "Address":{"type":"object","properties":{"city":{"type":"string"},"country":{"$ref":"#/$defs/Country"}},
                              "required":["city"]},
                   "Country":{"type":"string","enum":["FR","IT"]}},
                 "definitions":{"Tag":{"type":"string","maxLength":20}},
                 "properties":{
                   "home":{"$ref":"#/$defs/Address","description":"where they live","required":["city","country"]},
                   "tags":{"type":"array","items":{"$ref":"#/definitions/Tag"}}}}"""), "p", loss);
        assertJson("""
                {"type":"object","properties":{
                   "home":{"type":"object","properties":{"city":{"type":"string"},"country":{"type":"string","enum":["FR","IT"]}},
                           "required":["city","country"],"description":"where they live"},
                   "tags":{"type":"array","items":{"type":"string","maxLength":20}}}}""", out);
        assertTrue(loss.isEmpty());
    }

    @Test
    void cyclicReferencesStayWithOnlyTheSiblingsGeminiAllows() {
        LossReport loss = new LossReport();
        ObjectNode out = GeminiSchemas.toGemini(schema("""
                {"type":"object","properties":{
                   "root":{"$ref":"#/$defs/Node","description":"tree root","title":"Root","nullable":true}},
                 "$defs":{"Node":{"type":"object","properties":{
                    "name":{"type":"string"},
                    "children":{"type":"array","items":{"$ref":"#/$defs/Node","title":"child"}}}}}}"""), "p", loss);
        assertJson("""
                {"type":"object","properties":{
                   "root":{"type":"object","properties":{
                      "name":{"type":"string"},
                      "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},
                    "description":"tree root","title":"Root","nullable":true}},
                 "$defs":{"Node":{"type":"object","properties":{
                    "name":{"type":"string"},
                    "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}}}""", out);
        assertEquals(Set.of("p.$ref.siblings"), loss.dropped());
    }

    @Test
    void danglingAndExternalReferencesAreRemoved() {
        LossReport loss = new LossReport();
        ObjectNode out = GeminiSchemas.toGemini(schema("""
                {"type":"object","properties":{
                   "a":{"$ref":"#/$defs/Missing","description":"gone"},
                   "b":{"$ref":"https://example.com/schema.json"}}}"""), "p", loss);
        assertJson("{\"type\":\"object\",\"properties\":{\"a\":{\"description\":\"gone\"},\"b\":{}}}", out);
        assertEquals(Set.of("p.$ref"), loss.dropped());
    }

    @Test
    void parametersAlwaysDescribeAnObject() {
        LossReport loss = new LossReport();
        assertJson("{\"type\":\"object\",\"properties\":{}}", GeminiSchemas.toGeminiParameters(schema("{}"), "p", loss));
        assertJson("{\"type\":\"object\",\"properties\":{\"x\":{}}}",
                GeminiSchemas.toGeminiParameters(schema("{\"properties\":{\"x\":{}}}"), "p", loss));
    }

    @Test
    void openApiSchemasBecomeJsonSchema() {
        assertJson("""
                {"type":"object","properties":{"a":{"type":["string","null"],"format":"date-time"},
                 "b":{"anyOf":[{"type":"integer"},{"type":"boolean"}]},"c":{"type":"number"}}}""",
                GeminiSchemas.fromOpenApi(schema("""
                {"type":"OBJECT","properties":{"a":{"type":"STRING","nullable":true,"format":"date-time"},
                 "b":{"anyOf":[{"type":"INTEGER"},{"type":"BOOLEAN"}]},"c":{"type":"NUMBER","nullable":false}}}""")));
    }

    @Test
    void encoderSanitisesToolParametersAndResponseSchemas() {
        TransformContext ctx = ctx();
        ObjectNode zod = schema("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                 "properties":{"item":{"$ref":"#/definitions/Item"}},"required":["item"],"additionalProperties":false,
                 "definitions":{"Item":{"type":"object","properties":{"n":{"type":"integer"}},"additionalProperties":false}}}""");
        ObjectNode body = new GeminiCodec().encodeRequest(new IrRequest(null, null, null,
                List.of(new Tool("save", null, zod, null, Tool.Kind.FUNCTION)), null, null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, zod, null), null, false, null), ctx);
        String clean = """
                {"type":"object","properties":{"item":{"type":"object","properties":{"n":{"type":"integer"}},
                 "additionalProperties":false}},"required":["item"],"additionalProperties":false}""";
        assertJson(clean, body.get("tools").get(0).get("functionDeclarations").get(0).get("parametersJsonSchema"));
        assertJson(clean, body.get("generationConfig").get("responseJsonSchema"));
        assertEquals(Set.of("tools.parameters.$schema", "response_format.schema.$schema"), ctx.loss().dropped());
    }

    @Test
    void jsonComparisonHelperDetectsDifferences() {
        assertThrows(AssertionFailedError.class, () -> assertJson("{\"a\":1}", json("{\"a\":2}")));
        assertThrows(AssertionFailedError.class, () -> assertJson("{\"a\":0.5}", json("{\"a\":0.25}")));
    }
}
