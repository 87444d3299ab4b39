package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gproxy.transform.claude.ClaudeTestSupport.ctx;
import static io.gproxy.transform.claude.ClaudeTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round-trip properties over seeded random IR: {@code decode(encode(x))} equals {@code normalise(x)}, where
 * normalise states what Claude cannot carry:
 * <ul>
 *   <li>requests: leading system messages join {@code system}; later ones become user text; adjacent same-role
 *   messages merge and tool results lead their user turn, one TOOL message per result; empty text, audio,
 *   image {@code detail}, images/documents in assistant turns, unsigned reasoning, seed, penalties, n,
 *   JSON-object format and schema name/description/strict are gone; ids become {@code toolu_}; arguments that are
 *   not an object become {@code {}}; custom tools become object-schema functions; a refusal becomes text;
 *   tool_choice needs tools and cannot say "parallel" with {@code none}; {@code max_tokens} defaults to 16384;
 *   OpenAI effort becomes thinking mode plus output effort (verbosity); sampling is dropped while thinking;
 *   tool-result names are filled from the call;</li>
 *   <li>responses: unsigned reasoning gets an empty signature, refusal becomes text, ERROR becomes
 *   CONTENT_FILTER, STOP with tool calls becomes TOOL_CALLS, missing id/model are synthesised, usage cache fields
 *   are reported as zero when unknown and input never drops below the cache counts, reasoning tokens and the
 *   creation time are not carried;</li>
 *   <li>streams: blocks with no content vanish (indexes close up), refusal blocks become text, encrypted
 *   reasoning becomes a block of its own, usage is compared as the final merged total, an error or a cut stream
 *   becomes the gateway's upstream_error.</li>
 * </ul>
 */
class ClaudeRoundTripTest {
    private static final int CASES = 300;
    private final ClaudeCodec codec = new ClaudeCodec();

    // ---- requests ----------------------------------------------------------------------------------------------

    @Test
    void requestsRoundTrip() throws Exception {
        Random random = new Random(20_251_001L);
        for (int i = 0; i < CASES; i++) {
            IrRequest ir = new RequestGen(random).request();
            TransformContext ctx = ctx();
            ObjectNode wire = codec.encodeRequest(ir, ctx);
            assertWireInvariants(wire, "case " + i + "\nwire: " + wire);
            IrRequest back = codec.decodeRequest(Json.parse(Json.bytes(wire)), ctx());
            assertEquals(normalise(ir), back, "case " + i + "\nIR: " + ir + "\nwire: " + wire);
        }
    }

    /** What the API enforces and decoding would hide: alternation, tool results first, toolu_ ids, no empty text. */
    private static void assertWireInvariants(ObjectNode wire, String detail) {
        String previousRole = null;
        for (JsonNode m : wire.get("messages")) {
            String role = m.get("role").asText();
            assertTrue(!role.equals(previousRole), "roles alternate: " + detail);
            previousRole = role;
            assertTrue(!m.get("content").isEmpty(), "no empty turn: " + detail);
            boolean seenOther = false;
            for (JsonNode block : m.get("content")) {
                String type = block.get("type").asText();
                if (type.equals("tool_result")) {
                    assertTrue(!seenOther, "tool results lead their turn: " + detail);
                    assertTrue(block.get("tool_use_id").asText().startsWith("toolu_"), detail);
                } else {
                    seenOther = true;
                }
                if (type.equals("text")) {
                    assertTrue(!block.get("text").asText().isEmpty(), "no empty text: " + detail);
                }
                if (type.equals("tool_use")) {
                    assertTrue(block.get("id").asText().matches("toolu_[A-Za-z0-9_]+"), detail);
                    assertTrue(block.get("input").isObject(), detail);
                }
                if (type.equals("thinking")) {
                    assertTrue(block.has("signature"), detail);
                }
            }
        }
        assertTrue(wire.get("max_tokens").asInt() > 0, detail);
        if (wire.has("thinking") && wire.get("thinking").has("budget_tokens")) {
            int budget = wire.get("thinking").get("budget_tokens").asInt();
            assertTrue(budget >= 1024 && budget < wire.get("max_tokens").asInt(), detail);
        }
    }

    private static final class RequestGen {
        final Random r;
        int callCounter;

        RequestGen(Random r) {
            this.r = r;
        }

        IrRequest request() {
            List<Content> system = new ArrayList<>();
            for (int i = r.nextInt(3); i > 0; i--) {
                system.add(new Content.Text(r.nextInt(5) == 0 ? "" : "sys " + r.nextInt(100)));
            }
            List<Message> messages = new ArrayList<>();
            if (r.nextInt(4) == 0) {
                messages.add(new Message(Role.SYSTEM, List.of(new Content.Text("lead " + r.nextInt(9)))));
            }
            List<String[]> pendingCalls = new ArrayList<>();
            for (int turns = 1 + r.nextInt(7); turns > 0; turns--) {
                int kind = r.nextInt(10);
                if (kind < 4) {
                    messages.add(new Message(Role.USER, userContent()));
                } else if (kind < 8) {
                    messages.add(new Message(Role.ASSISTANT, assistantContent(pendingCalls)));
                    if (!pendingCalls.isEmpty() && r.nextInt(4) != 0) {
                        if (r.nextInt(3) == 0) {
                            messages.add(r.nextBoolean() ? new Message(Role.USER, List.of(new Content.Text("before")))
                                    : new Message(Role.SYSTEM, List.of(new Content.Text("note"))));
                        }
                        toolResults(pendingCalls, messages);
                    }
                } else if (kind == 8) {
                    messages.add(new Message(Role.SYSTEM, List.of(new Content.Text("mid " + r.nextInt(9)))));
                } else {
                    messages.add(new Message(Role.USER, List.of(new Content.Text("again " + r.nextInt(9)))));
                }
            }
            List<Tool> tools = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                tools.add(tool(i));
            }
            ToolChoice choice = switch (r.nextInt(6)) {
                case 0 -> ToolChoice.AUTO;
                case 1 -> ToolChoice.REQUIRED;
                case 2 -> ToolChoice.NONE;
                case 3 -> ToolChoice.named("fn1");
                default -> null;
            };
            Boolean parallel = pick(null, Boolean.TRUE, Boolean.FALSE);
            Generation g = new Generation(pick(null, 256, 4096, 50_000), pick(null, 0.0, 0.5, 0.7, 1.0),
                    pick(null, 0.5, 0.95, 1.0), pick(null, 1, 40), pick(null, List.of(), List.of("END"), List.of("a", "b")),
                    pick(null, 7L), pick(null, 0.5), pick(null, -0.5), pick(null, 1, 2));
            ResponseFormat format = switch (r.nextInt(5)) {
                case 0 -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
                case 1 -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
                case 2 -> new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, pick(null, "answer"), pick(null, "d"),
                        parse("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}"),
                        pick(null, true));
                default -> null;
            };
            Reasoning reasoning = r.nextInt(3) == 0 ? null : new Reasoning(
                    pick(null, Reasoning.Mode.DISABLED, Reasoning.Mode.ENABLED, Reasoning.Mode.ADAPTIVE),
                    pick(null, "none", "minimal", "low", "medium", "high", "xhigh"),
                    pick(null, 0, 1024, 3000, 20_000), pick(null, true, false), pick(null, "low", "medium", "high"));
            return new IrRequest(pick(null, "claude-sonnet-4-5", "gpt-4o"), system, messages, tools, choice, parallel, g,
                    format, reasoning, r.nextBoolean(), pick(null, "user-" + r.nextInt(99)));
        }

        List<Content> userContent() {
            List<Content> out = new ArrayList<>();
            for (int n = 1 + r.nextInt(3); n > 0; n--) {
                out.add(switch (r.nextInt(9)) {
                    case 0 -> new Content.Image(pick(null, "image/jpeg"), "/9j/4AAQSkZJRg", null, null, pick(null, "low"));
                    case 1 -> new Content.Image(null, null, "https://example.com/" + r.nextInt(9) + ".png", null, null);
                    case 2 -> new Content.Image(null, null, "data:image/webp;base64,UklGRiQ", null, pick(null, "high"));
                    case 3 -> new Content.Image(null, null, null, "file_" + r.nextInt(9), null);
                    case 4 -> switch (r.nextInt(5)) {
                        case 0 -> new Content.Document(pick(null, "application/pdf"), "JVBERi0xLjQ", null, null,
                                pick(null, "", "doc.pdf"), null);
                        case 1 -> new Content.Document("text/plain",
                                Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8)), null,
                                null, null, null);
                        case 2 -> new Content.Document(null, null, "https://example.com/a.pdf", null, "A", null);
                        case 3 -> new Content.Document(null, null, null, "file_d" + r.nextInt(9), pick(null, "F"), null);
                        default -> new Content.Document(null, null, null, null, pick(null, "notes"), "some text");
                    };
                    case 5 -> new Content.Audio("wav", "UklGR");
                    case 6 -> new Content.Text("");
                    default -> new Content.Text("user " + r.nextInt(1000));
                });
            }
            return out;
        }

        List<Content> assistantContent(List<String[]> pendingCalls) {
            List<Content> out = new ArrayList<>();
            if (r.nextInt(3) == 0) {
                out.add(switch (r.nextInt(4)) {
                    case 0 -> new Content.Reasoning("unsigned " + r.nextInt(9), null, null, r.nextBoolean());
                    case 1 -> new Content.Reasoning(null, null, "ENCRYPTED" + r.nextInt(9), false);
                    case 2 -> new Content.Reasoning(pick(null, "", "signed"), pick("", "sig" + r.nextInt(99)), null, false);
                    default -> new Content.Reasoning("both", "sigB", "ENC", false);
                });
            }
            for (int n = r.nextInt(3); n > 0; n--) {
                out.add(r.nextInt(5) == 0 ? new Content.Refusal("no " + r.nextInt(9))
                        : new Content.Text(r.nextInt(6) == 0 ? "" : "assistant " + r.nextInt(1000)));
            }
            if (r.nextInt(4) == 0) {
                out.add(new Content.Image("image/png", "iVBOR", null, null, null));
            }
            for (int n = r.nextInt(3); n > 0; n--) {
                int c = callCounter++;
                String id = switch (r.nextInt(5)) {
                    case 4 -> "gem_" + n; // positional, reused in every turn like Gemini's
                    case 0 -> "toolu_01X" + c;
                    case 1 -> "call_" + c + "-x";
                    case 2 -> "functions.fn:" + c;
                    default -> "fc_" + c;
                };
                String name = "fn" + r.nextInt(3);
                String args = switch (r.nextInt(5)) {
                    case 0 -> "";
                    case 1 -> "not json";
                    case 2 -> "[1,2]";
                    case 3 -> "{\"city\":\"Paris\",\"n\":" + c + ",\"nested\":{\"ok\":true}}";
                    default -> "{}";
                };
                out.add(new Content.ToolCall(id, name, args, r.nextInt(6) == 0));
                pendingCalls.add(new String[] {id, name});
            }
            return out;
        }

        void toolResults(List<String[]> pendingCalls, List<Message> messages) {
            List<Content> batch = new ArrayList<>();
            for (String[] call : pendingCalls) {
                List<Content> content = switch (r.nextInt(5)) {
                    case 0 -> List.of();
                    case 1 -> List.of(new Content.Text(""));
                    case 2 -> List.of(new Content.Text("line 1"), new Content.Image("image/png", "iVBOR", null, null, null));
                    case 3 -> List.of(new Content.Text("a"), new Content.Text("b"),
                            new Content.Reasoning("x", "y", null, false));
                    default -> List.of(new Content.Text("result for " + call[0]));
                };
                Content.ToolResult result = new Content.ToolResult(call[0], pick(null, call[1]), content, r.nextBoolean());
                if (r.nextBoolean()) {
                    messages.add(new Message(Role.TOOL, List.of(result)));
                } else {
                    batch.add(result);
                }
            }
            if (!batch.isEmpty()) {
                messages.add(new Message(Role.TOOL, batch));
            }
            pendingCalls.clear();
        }

        Tool tool(int i) {
            return switch (r.nextInt(4)) {
                case 0 -> new Tool("fn" + i, pick(null, "does " + i), parse(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
                        pick(null, true, false), Tool.Kind.FUNCTION);
                case 1 -> new Tool("fn" + i, null, pick(null, parse("{\"properties\":{\"x\":{\"type\":\"number\"}}}")),
                        null, Tool.Kind.FUNCTION);
                case 2 -> new Tool("custom" + i, pick(null, "free text"), null, pick(null, true), Tool.Kind.CUSTOM);
                default -> new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH);
            };
        }

        @SafeVarargs
        final <T> T pick(T... options) {
            return options[r.nextInt(options.length)];
        }
    }

    /** What a Claude round trip keeps of a request (see the class comment). */
    private static IrRequest normalise(IrRequest ir) {
        List<Content> system = new ArrayList<>();
        ir.system().forEach(c -> addText(c, system));
        int first = 0;
        while (first < ir.messages().size() && ir.messages().get(first).role() == Role.SYSTEM) {
            ir.messages().get(first++).content().forEach(c -> addText(c, system));
        }
        ClaudeToolIds ids = new ClaudeToolIds();
        Map<String, String> callNames = new HashMap<>();
        // Turns as Claude sees them: role, tool results, other blocks.
        List<Object[]> turns = new ArrayList<>();
        for (Message m : ir.messages().subList(first, ir.messages().size())) {
            boolean assistant = m.role() == Role.ASSISTANT;
            List<Content> results = new ArrayList<>();
            List<Content> blocks = new ArrayList<>();
            for (Content c : m.content()) {
                switch (c) {
                    case Content.Text t -> addText(t, blocks);
                    case Content.Refusal rf -> addText(new Content.Text(rf.text()), blocks);
                    case Content.Image img -> {
                        if (!assistant) {
                            blocks.add(image(img));
                        }
                    }
                    case Content.Document d -> {
                        if (!assistant && document(d) != null) {
                            blocks.add(document(d));
                        }
                    }
                    case Content.Reasoning rs -> {
                        if (rs.signature() != null && !rs.signature().isEmpty()) {
                            blocks.add(new Content.Reasoning(rs.text() == null ? "" : rs.text(), rs.signature(), null, false));
                        }
                        if (rs.encrypted() != null) {
                            blocks.add(new Content.Reasoning(null, null, rs.encrypted(), false));
                        }
                    }
                    case Content.ToolCall call -> {
                        String id = ids.forCall(call.id());
                        callNames.put(id, call.name());
                        blocks.add(new Content.ToolCall(id, call.name(), arguments(call.arguments()), false));
                    }
                    case Content.ToolResult res -> {
                        String id = ids.forResult(res.callId());
                        List<Content> content = new ArrayList<>();
                        for (Content rc : res.content()) {
                            if (rc instanceof Content.Text t) {
                                addText(t, content);
                            } else if (rc instanceof Content.Image img) {
                                content.add(image(img));
                            }
                        }
                        results.add(new Content.ToolResult(id, callNames.get(id), content, res.isError()));
                    }
                    case Content.Audio a -> {
                    }
                }
            }
            if (results.isEmpty() && blocks.isEmpty()) {
                continue;
            }
            Object[] last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (last == null || (boolean) last[0] != assistant) {
                last = new Object[] {assistant, new ArrayList<Content>(), new ArrayList<Content>()};
                turns.add(last);
            }
            List<Content> turnResults = (List<Content>) last[1];
            for (Content res : results) {
                String id = ((Content.ToolResult) res).callId();
                if (turnResults.stream().noneMatch(x -> ((Content.ToolResult) x).callId().equals(id))) {
                    turnResults.add(res);
                }
            }
            ((List<Content>) last[2]).addAll(blocks);
        }
        List<Message> messages = new ArrayList<>();
        for (Object[] t : turns) {
            for (Content res : (List<Content>) t[1]) {
                messages.add(new Message(Role.TOOL, List.of(res)));
            }
            List<Content> blocks = (List<Content>) t[2];
            if (!blocks.isEmpty()) {
                messages.add(new Message((boolean) t[0] ? Role.ASSISTANT : Role.USER, blocks));
            }
        }

        List<Tool> tools = new ArrayList<>();
        for (Tool t : ir.tools()) {
            tools.add(switch (t.kind()) {
                case WEB_SEARCH -> new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH);
                case CUSTOM -> new Tool(t.name(), t.description(), parse("{\"type\":\"object\",\"properties\":{}}"), null,
                        Tool.Kind.FUNCTION);
                case FUNCTION -> {
                    ObjectNode schema = parse("{\"type\":\"object\"}");
                    if (t.parameters() == null) {
                        schema.putObject("properties");
                    } else {
                        schema.setAll(t.parameters().deepCopy());
                    }
                    yield new Tool(t.name(), t.description(), schema, t.strict(), Tool.Kind.FUNCTION);
                }
            });
        }
        ToolChoice choice = null;
        Boolean parallel = null;
        if (!tools.isEmpty()) {
            if (ir.toolChoice() != null) {
                choice = ir.toolChoice();
                parallel = choice.mode() == ToolChoice.Mode.NONE ? null : ir.parallelToolCalls();
            } else if (Boolean.FALSE.equals(ir.parallelToolCalls())) {
                choice = ToolChoice.AUTO;
                parallel = false;
            }
        }

        Generation g = ir.generation();
        int maxTokens = g.maxTokens() != null ? g.maxTokens() : 16384;
        Reasoning rs = ir.reasoning();
        Reasoning back = null;
        boolean thinkingOn = false;
        if (rs != null) {
            Reasoning.Mode mode = rs.mode();
            if (mode == null) {
                mode = "none".equals(rs.effort()) ? Reasoning.Mode.DISABLED
                        : rs.budgetTokens() != null ? Reasoning.Mode.ENABLED
                        : rs.effort() != null ? Reasoning.Mode.ADAPTIVE : null;
            }
            Integer budget = null;
            if (mode == Reasoning.Mode.ENABLED && rs.budgetTokens() != null && rs.budgetTokens() <= 0) {
                mode = Reasoning.Mode.DISABLED;
            }
            if (mode == Reasoning.Mode.ENABLED && rs.budgetTokens() != null) {
                budget = Math.max(1024, rs.budgetTokens());
                if (budget >= maxTokens) {
                    if (g.maxTokens() == null) {
                        maxTokens = budget + 16384;
                    } else if (maxTokens - 1 >= 1024) {
                        budget = maxTokens - 1;
                    } else {
                        budget = null;
                    }
                }
                if (budget == null) {
                    mode = Reasoning.Mode.ADAPTIVE;
                }
            } else if (mode == Reasoning.Mode.ENABLED) {
                mode = Reasoning.Mode.ADAPTIVE;
            }
            thinkingOn = mode != null && mode != Reasoning.Mode.DISABLED;
            if (thinkingOn && lastAssistantCallsToolsWithoutThinking(messages)) {
                mode = Reasoning.Mode.DISABLED;
                budget = null;
                thinkingOn = false;
                maxTokens = g.maxTokens() != null ? g.maxTokens() : 16384;
            }
            String verbosity = rs.verbosity() != null ? rs.verbosity() : rs.effort() == null ? null
                    : switch (rs.effort()) {
                        case "minimal", "low" -> "low";
                        case "medium" -> "medium";
                        case "high", "xhigh" -> "high";
                        default -> null;
                    };
            if (mode != null || verbosity != null) {
                back = new Reasoning(mode, null, budget, thinkingOn ? rs.includeThoughts() : null, verbosity);
            }
        }
        Generation gen = new Generation(maxTokens,
                thinkingOn && g.temperature() != null && g.temperature() != 1.0 ? null : g.temperature(),
                thinkingOn && g.topP() != null && g.topP() < 0.95 ? null : g.topP(),
                thinkingOn ? null : g.topK(),
                g.stop() == null || g.stop().isEmpty() ? null : g.stop(), null, null, null, null);
        ResponseFormat format = ir.responseFormat() != null && ir.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA
                ? new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, ir.responseFormat().schema(), null) : null;
        return new IrRequest(ir.model(), system, messages, tools, choice, parallel, gen, format, back, ir.stream(),
                ir.user());
    }

    private static boolean lastAssistantCallsToolsWithoutThinking(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role() == Role.ASSISTANT) {
                return m.content().stream().anyMatch(c -> c instanceof Content.ToolCall)
                        && !(m.content().get(0) instanceof Content.Reasoning);
            }
        }
        return false;
    }

    private static void addText(Content c, List<Content> out) {
        if (c instanceof Content.Text t && !t.text().isEmpty()) {
            out.add(t);
        }
    }

    private static Content image(Content.Image img) {
        if (img.data() != null) {
            return new Content.Image(img.mediaType() != null ? img.mediaType() : ClaudeBlocks.sniffImageType(img.data()),
                    img.data(), null, null, null);
        }
        if (img.url() != null && img.url().startsWith("data:")) {
            String[] parsed = ClaudeBlocks.parseDataUrl(img.url());
            return new Content.Image(parsed[0], parsed[1], null, null, null);
        }
        return new Content.Image(null, null, img.url(), img.fileId(), null);
    }

    private static Content document(Content.Document d) {
        String title = d.filename() == null || d.filename().isEmpty() ? null : d.filename();
        if (d.text() != null) {
            return new Content.Document("text/plain", null, null, null, title, d.text());
        }
        if (d.data() != null) {
            if (d.mediaType() == null || d.mediaType().equals("application/pdf")) {
                return new Content.Document("application/pdf", d.data(), null, null, title, null);
            }
            return new Content.Document("text/plain", null, null, null, title,
                    new String(Base64.getDecoder().decode(d.data()), StandardCharsets.UTF_8));
        }
        if (d.url() != null) {
            return new Content.Document("application/pdf", null, d.url(), null, title, null);
        }
        return new Content.Document(null, null, null, d.fileId(), title, null);
    }

    private static String arguments(String args) {
        ObjectNode parsed = ClaudeJson.parseObject(args);
        return parsed == null ? "{}" : ClaudeJson.write(parsed);
    }

    // ---- responses ---------------------------------------------------------------------------------------------

    @Test
    void responsesRoundTrip() throws Exception {
        Random r = new Random(77L);
        for (int i = 0; i < CASES; i++) {
            List<Content> content = new ArrayList<>();
            for (int n = r.nextInt(6); n > 0; n--) {
                content.add(switch (r.nextInt(8)) {
                    case 0 -> new Content.Reasoning("think " + n, r.nextBoolean() ? "sig" + n : null, null, false);
                    case 1 -> new Content.Reasoning(null, null, "enc" + n, false);
                    case 2 -> new Content.ToolCall(r.nextBoolean() ? "call_" + i + "_" + n : "toolu_" + n, "f" + n,
                            r.nextBoolean() ? "{\"a\":[1,2.5,\"x\"]}" : "oops", false);
                    case 3 -> new Content.Refusal("refused " + n);
                    case 4 -> new Content.Text("");
                    case 5 -> new Content.Image("image/png", "iVBOR", null, null, null);
                    default -> new Content.Text("text " + n);
                });
            }
            FinishReason finish = r.nextInt(6) == 0 ? null : FinishReason.values()[r.nextInt(FinishReason.values().length)];
            Usage usage = new Usage(r.nextBoolean() ? null : (long) r.nextInt(5000), r.nextBoolean() ? null : (long) r.nextInt(900),
                    r.nextBoolean() ? null : (long) r.nextInt(3000), r.nextBoolean() ? null : (long) r.nextInt(300),
                    r.nextBoolean() ? null : (long) r.nextInt(300), r.nextBoolean() ? null : (long) r.nextInt(100));
            IrResponse ir = new IrResponse(r.nextInt(5) == 0 ? null : "msg_" + i, r.nextInt(5) == 0 ? null : "model-" + i,
                    content, finish, usage, r.nextBoolean() ? 0 : 1_700_000_000L);
            ObjectNode wire = codec.encodeResponse(ir, ctx());
            IrResponse back = codec.decodeResponse(Json.parse(Json.bytes(wire)), ctx());
            assertEquals(normalise(ir), back, "case " + i + "\nIR: " + ir + "\nwire: " + wire);
        }
    }

    private static IrResponse normalise(IrResponse ir) {
        ClaudeToolIds ids = new ClaudeToolIds();
        List<Content> content = new ArrayList<>();
        boolean called = false;
        for (Content c : ir.content()) {
            switch (c) {
                case Content.Text t -> addText(t, content);
                case Content.Refusal rf -> addText(new Content.Text(rf.text()), content);
                case Content.Reasoning rs -> {
                    if (rs.signature() != null || (rs.text() != null && !rs.text().isEmpty())) {
                        content.add(new Content.Reasoning(rs.text() == null ? "" : rs.text(),
                                rs.signature() == null ? "" : rs.signature(), null, false));
                    }
                    if (rs.encrypted() != null) {
                        content.add(new Content.Reasoning(null, null, rs.encrypted(), false));
                    }
                }
                case Content.ToolCall call -> {
                    content.add(new Content.ToolCall(ids.forCall(call.id()), call.name(), arguments(call.arguments()), false));
                    called = true;
                }
                default -> {
                }
            }
        }
        FinishReason finish = ir.finish() == null || ir.finish() == FinishReason.STOP
                ? (called ? FinishReason.TOOL_CALLS : FinishReason.STOP)
                : ir.finish() == FinishReason.ERROR ? FinishReason.CONTENT_FILTER : ir.finish();
        return new IrResponse(ir.id() != null ? ir.id() : "msg_gproxy_" + Long.toString(ClaudeTestSupport.NOW, 36),
                ir.model() != null ? ir.model() : "unknown", content, finish, normalise(ir.usage()), 0);
    }

    private static Usage normalise(Usage u) {
        long read = Usage.nz(u.cacheReadTokens());
        long c5 = Usage.nz(u.cacheCreation5mTokens());
        long c1 = Usage.nz(u.cacheCreation1hTokens());
        return new Usage(Math.max(Usage.nz(u.inputTokens()), read + c5 + c1), Usage.nz(u.outputTokens()), read, c5, c1,
                null);
    }

    // ---- streams -----------------------------------------------------------------------------------------------

    @Test
    void streamsRoundTrip() throws Exception {
        Random r = new Random(4242L);
        for (int i = 0; i < CASES; i++) {
            List<StreamEvent> ir = streamCase(r);
            StreamEncoder encoder = codec.newStreamEncoder(ctx());
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (StreamEvent e : ir) {
                for (SseFrame f : encoder.encode(e)) {
                    wire.write(f.encode());
                }
            }
            for (SseFrame f : encoder.finish()) {
                wire.write(f.encode());
            }
            // Re-parse the bytes as a client would, split at an awkward place.
            SseDecoder sse = new SseDecoder();
            byte[] bytes = wire.toByteArray();
            int cut = bytes.length / 3;
            List<SseFrame> frames = new ArrayList<>(sse.feed(bytes, 0, cut));
            frames.addAll(sse.feed(bytes, cut, bytes.length - cut));
            frames.addAll(sse.finish());
            StreamDecoder decoder = codec.newStreamDecoder(ctx());
            List<StreamEvent> back = ClaudeTestSupport.decodeAll(decoder, frames);

            Expected expected = expectedStream(ir);
            List<StreamEvent> withoutUsage = new ArrayList<>();
            Usage merged = Usage.EMPTY;
            for (StreamEvent e : back) {
                if (e instanceof StreamEvent.Start s) {
                    merged = merged.merge(s.usage());
                    withoutUsage.add(new StreamEvent.Start(s.id(), s.model(), Usage.EMPTY));
                } else if (e instanceof StreamEvent.UsageUpdate u) {
                    merged = merged.merge(u.usage());
                } else {
                    withoutUsage.add(e);
                }
            }
            String detail = "case " + i + "\nIR: " + ir + "\nwire:\n" + wire.toString(StandardCharsets.UTF_8);
            assertEquals(expected.events, withoutUsage, detail);
            if (expected.finalUsage != null) {
                assertEquals(expected.finalUsage, merged, detail);
            }
        }
    }

    private static List<StreamEvent> streamCase(Random r) {
        List<StreamEvent> out = new ArrayList<>();
        out.add(new StreamEvent.Start(r.nextInt(6) == 0 ? null : "id-" + r.nextInt(99), r.nextInt(6) == 0 ? null : "m",
                r.nextBoolean() ? Usage.EMPTY : new Usage((long) r.nextInt(500), null, r.nextBoolean() ? (long) r.nextInt(100) : null,
                        null, r.nextBoolean() ? (long) r.nextInt(50) : null, null)));
        int blocks = r.nextInt(6);
        for (int b = 0; b < blocks; b++) {
            if (r.nextInt(5) == 0) {
                out.add(new StreamEvent.UsageUpdate(new Usage((long) r.nextInt(900), null, null, null, null, null)));
            }
            BlockType type = BlockType.values()[r.nextInt(BlockType.values().length)];
            String id = r.nextBoolean() ? "call_" + b + ".x" : "toolu_0" + b;
            out.add(new StreamEvent.BlockStart(b, type, type == BlockType.TOOL_CALL ? id : null,
                    type == BlockType.TOOL_CALL ? "tool" + b : null));
            for (int d = r.nextInt(4); d > 0; d--) {
                String text = r.nextInt(4) == 0 ? "" : "frag" + d + " \"q\" ü\n";
                out.add(switch (type) {
                    case TEXT, REFUSAL -> new StreamEvent.TextDelta(b, text);
                    case REASONING -> new StreamEvent.ReasoningDelta(b, text);
                    case TOOL_CALL -> new StreamEvent.ToolArgumentsDelta(b, r.nextBoolean() ? "" : "{\"k\":" + d + "}");
                });
            }
            if (type == BlockType.REASONING) {
                switch (r.nextInt(4)) {
                    case 0 -> out.add(new StreamEvent.ReasoningSignature(b, "sig" + b, null));
                    case 1 -> out.add(new StreamEvent.ReasoningSignature(b, null, "enc" + b));
                    case 2 -> out.add(new StreamEvent.ReasoningSignature(b, "sig" + b, "enc" + b));
                    default -> {
                    }
                }
            }
            if (r.nextInt(12) == 0) {
                out.add(new StreamEvent.Error("overloaded_error", "Overloaded"));
                return out;
            }
            out.add(new StreamEvent.BlockStop(b));
        }
        if (r.nextInt(6) != 0) {
            out.add(new StreamEvent.Finish(FinishReason.values()[r.nextInt(FinishReason.values().length)]));
        }
        if (r.nextBoolean()) {
            out.add(new StreamEvent.UsageUpdate(new Usage(null, (long) r.nextInt(900), null, null, null, null)));
        }
        switch (r.nextInt(8)) {
            case 0 -> out.add(new StreamEvent.Error("api_error", "boom"));
            case 1 -> {
                // cut: neither End nor Error
            }
            default -> out.add(new StreamEvent.End());
        }
        return out;
    }

    private record Expected(List<StreamEvent> events, Usage finalUsage) {}

    /** What a Claude client stream keeps of an IR stream, decoded back (usage compared separately). */
    private static Expected expectedStream(List<StreamEvent> ir) {
        List<StreamEvent> out = new ArrayList<>();
        ClaudeToolIds ids = new ClaudeToolIds();
        Map<Integer, StreamEvent.BlockStart> starts = new HashMap<>();
        int[] next = {0};
        int[] open = {-1, -1}; // {ir index, claude index}
        String[] openKind = {null};
        boolean messageStarted = false;
        boolean called = false;
        FinishReason finish = null;
        StreamEvent.Start start = null;
        Usage usage = Usage.EMPTY;
        Usage finalUsage = null;
        boolean terminated = false;
        for (StreamEvent e : ir) {
            int before = out.size();
            switch (e) {
                case StreamEvent.Start s -> {
                    start = s;
                    usage = usage.merge(s.usage());
                }
                case StreamEvent.UsageUpdate u -> usage = usage.merge(u.usage());
                case StreamEvent.BlockStart b -> {
                    starts.put(b.index(), b);
                    if (b.type() == BlockType.TOOL_CALL) {
                        closeExpected(out, open, openKind);
                        out.add(new StreamEvent.BlockStart(next[0], BlockType.TOOL_CALL, ids.forCall(b.toolCallId()),
                                b.toolName()));
                        open[0] = b.index();
                        open[1] = next[0]++;
                        openKind[0] = "tool";
                        called = true;
                    }
                }
                case StreamEvent.TextDelta t -> {
                    if (!t.text().isEmpty()) {
                        openExpected(out, open, openKind, next, t.index(), "text", BlockType.TEXT);
                        out.add(new StreamEvent.TextDelta(open[1], t.text()));
                    }
                }
                case StreamEvent.ReasoningDelta t -> {
                    if (!t.text().isEmpty()) {
                        openExpected(out, open, openKind, next, t.index(), "thinking", BlockType.REASONING);
                        out.add(new StreamEvent.ReasoningDelta(open[1], t.text()));
                    }
                }
                case StreamEvent.ReasoningSignature s -> {
                    if (s.signature() != null) {
                        openExpected(out, open, openKind, next, s.index(), "thinking", BlockType.REASONING);
                        out.add(new StreamEvent.ReasoningSignature(open[1], s.signature(), null));
                    }
                    if (s.encrypted() != null) {
                        closeExpected(out, open, openKind);
                        int k = next[0]++;
                        out.add(new StreamEvent.BlockStart(k, BlockType.REASONING, null, null));
                        out.add(new StreamEvent.ReasoningSignature(k, null, s.encrypted()));
                        out.add(new StreamEvent.BlockStop(k));
                    }
                }
                case StreamEvent.ToolArgumentsDelta a -> {
                    if (!a.partialJson().isEmpty() && open[0] == a.index() && "tool".equals(openKind[0])) {
                        out.add(new StreamEvent.ToolArgumentsDelta(open[1], a.partialJson()));
                    }
                }
                case StreamEvent.BlockStop b -> {
                    if (open[0] == b.index()) {
                        closeExpected(out, open, openKind);
                    }
                }
                case StreamEvent.Finish f -> {
                    finish = f.reason();
                    closeExpected(out, open, openKind);
                }
                case StreamEvent.End end -> {
                    closeExpected(out, open, openKind);
                    FinishReason f = finish == null || finish == FinishReason.STOP
                            ? (called ? FinishReason.TOOL_CALLS : FinishReason.STOP)
                            : finish == FinishReason.ERROR ? FinishReason.CONTENT_FILTER : finish;
                    out.add(new StreamEvent.Finish(f));
                    out.add(new StreamEvent.End());
                    messageStarted = true;
                    finalUsage = normalise(usage);
                    terminated = true;
                }
                case StreamEvent.Error err -> {
                    out.add(new StreamEvent.Error("upstream_error", "upstream request failed"));
                    terminated = true;
                }
            }
            if (out.size() > before && !(e instanceof StreamEvent.Error)) {
                messageStarted = true;
            }
            if (terminated) {
                break;
            }
        }
        if (!terminated) {
            out.add(new StreamEvent.Error("upstream_error", "upstream request failed"));
        }
        StreamEvent.Start first = messageStarted
                ? new StreamEvent.Start(start.id() != null ? start.id() : "msg_gproxy_" + Long.toString(ClaudeTestSupport.NOW, 36),
                        start.model() != null ? start.model() : "unknown", Usage.EMPTY)
                : new StreamEvent.Start(null, null, Usage.EMPTY);
        out.add(0, first);
        return new Expected(out, finalUsage);
    }

    private static void openExpected(List<StreamEvent> out, int[] open, String[] openKind, int[] next, int irIndex,
                                     String kind, BlockType type) {
        if (open[0] == irIndex && kind.equals(openKind[0])) {
            return;
        }
        closeExpected(out, open, openKind);
        out.add(new StreamEvent.BlockStart(next[0], type, null, null));
        open[0] = irIndex;
        open[1] = next[0]++;
        openKind[0] = kind;
    }

    private static void closeExpected(List<StreamEvent> out, int[] open, String[] openKind) {
        if (open[0] >= 0) {
            out.add(new StreamEvent.BlockStop(open[1]));
            open[0] = -1;
            openKind[0] = null;
        }
    }

}
