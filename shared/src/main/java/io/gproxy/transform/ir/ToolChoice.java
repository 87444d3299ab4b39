package io.gproxy.transform.ir;

/** How the model must use tools. {@code name} is set only for {@link Mode#NAMED}. */
public record ToolChoice(Mode mode, String name) {
    public enum Mode {
        AUTO,
        /** Must call some tool (Chat {@code required}, Claude {@code any}, Gemini {@code ANY}). */
        REQUIRED,
        NONE,
        /** Must call the named tool. */
        NAMED
    }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);

    public static ToolChoice named(String name) {
        return new ToolChoice(Mode.NAMED, name);
    }
}
