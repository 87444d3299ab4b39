package io.gproxy.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.Schema;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.responses.FunctionTool;
import io.gproxy.tests.mock.MockUpstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The same two function tools in each SDK's own types, offered in this order: {@link #TOOL} (the one the mocks call,
 * being first) and {@link #OTHER_TOOL}. Each takes an object schema; {@link #TOOL}'s has {@code city} (string,
 * required) and {@code days} (integer).
 */
public final class SdkTools {
    private static final ObjectMapper JSON = new ObjectMapper(); // first: the constants below use it
    public static final String PROMPT = "What is the weather in Paris?";
    public static final String TOOL = "get_weather";
    public static final String OTHER_TOOL = "get_time";
    /** What every mock's tool call carries, as JSON. */
    public static final JsonNode ARGUMENTS = json(MockUpstream.TOOL_ARGUMENTS);

    private static final Map<String, Object> WEATHER_SCHEMA = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer")),
            "required", List.of("city"));
    private static final Map<String, Object> TIME_SCHEMA = Map.of("type", "object",
            "properties", Map.of("zone", Map.of("type", "string")));

    private SdkTools() {
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** Any SDK value that Jackson can serialise (a Gemini args map), as a JSON tree. */
    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    // ---------------------------------------------------------------- openai-java

    public static List<ChatCompletionFunctionTool> chatTools() {
        return List.of(chatTool(TOOL, "Weather forecast for a city", WEATHER_SCHEMA),
                chatTool(OTHER_TOOL, "Current time in a zone", TIME_SCHEMA));
    }

    private static ChatCompletionFunctionTool chatTool(String name, String description, Map<String, Object> schema) {
        FunctionParameters.Builder parameters = FunctionParameters.builder();
        schema.forEach((k, v) -> parameters.putAdditionalProperty(k, com.openai.core.JsonValue.from(v)));
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
                .description(description).parameters(parameters.build()).build()).build();
    }

    public static List<FunctionTool> responsesTools() {
        return List.of(responsesTool(TOOL, "Weather forecast for a city", WEATHER_SCHEMA),
                responsesTool(OTHER_TOOL, "Current time in a zone", TIME_SCHEMA));
    }

    private static FunctionTool responsesTool(String name, String description, Map<String, Object> schema) {
        FunctionTool.Parameters.Builder parameters = FunctionTool.Parameters.builder();
        schema.forEach((k, v) -> parameters.putAdditionalProperty(k, com.openai.core.JsonValue.from(v)));
        return FunctionTool.builder().name(name).description(description).parameters(parameters.build())
                .strict(false).build();
    }

    // ---------------------------------------------------------------- anthropic-java

    public static List<com.anthropic.models.messages.Tool> claudeTools() {
        return List.of(claudeTool(TOOL, "Weather forecast for a city", WEATHER_SCHEMA),
                claudeTool(OTHER_TOOL, "Current time in a zone", TIME_SCHEMA));
    }

    @SuppressWarnings("unchecked")
    private static com.anthropic.models.messages.Tool claudeTool(String name, String description,
                                                                 Map<String, Object> schema) {
        com.anthropic.models.messages.Tool.InputSchema.Properties.Builder properties =
                com.anthropic.models.messages.Tool.InputSchema.Properties.builder();
        ((Map<String, Object>) schema.get("properties")).forEach((k, v) ->
                properties.putAdditionalProperty(k, com.anthropic.core.JsonValue.from(v)));
        com.anthropic.models.messages.Tool.InputSchema.Builder input =
                com.anthropic.models.messages.Tool.InputSchema.builder().properties(properties.build());
        if (schema.containsKey("required")) {
            input.required((List<String>) schema.get("required"));
        }
        return com.anthropic.models.messages.Tool.builder().name(name).description(description)
                .inputSchema(input.build()).build();
    }

    // ---------------------------------------------------------------- google-genai

    /** One Gemini tool holding both declarations, in order. */
    public static com.google.genai.types.Tool geminiTools() {
        return com.google.genai.types.Tool.builder().functionDeclarations(
                FunctionDeclaration.builder().name(TOOL).description("Weather forecast for a city")
                        .parameters(Schema.builder().type("OBJECT").properties(Map.of(
                                "city", Schema.builder().type("STRING").build(),
                                "days", Schema.builder().type("INTEGER").build())).required("city").build())
                        .build(),
                FunctionDeclaration.builder().name(OTHER_TOOL).description("Current time in a zone")
                        .parameters(Schema.builder().type("OBJECT").properties(Map.of(
                                "zone", Schema.builder().type("STRING").build())).build())
                        .build()).build();
    }
}
