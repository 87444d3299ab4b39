package io.gproxy.transform.ir;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A tool the model may call.
 *
 * @param parameters JSON Schema of the arguments (an object schema); null for custom tools and built-ins
 * @param kind       what sort of tool it is
 */
public record Tool(String name, String description, ObjectNode parameters, Boolean strict, Kind kind) {

    public enum Kind {
        /** A function with a JSON-schema argument object. */
        FUNCTION,
        /** An OpenAI custom tool taking free text. */
        CUSTOM,
        /** The provider's built-in web search (OpenAI web_search, Claude web_search, Gemini googleSearch). */
        WEB_SEARCH
    }
}
