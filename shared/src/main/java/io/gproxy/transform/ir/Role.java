package io.gproxy.transform.ir;

/**
 * Who speaks a message. {@code SYSTEM} here is a system/developer instruction that appears inside the conversation
 * (the leading system prompt lives in {@link IrRequest#system()}); {@code TOOL} messages carry only
 * {@link Content.ToolResult} blocks.
 */
public enum Role {
    SYSTEM,
    USER,
    ASSISTANT,
    TOOL
}
