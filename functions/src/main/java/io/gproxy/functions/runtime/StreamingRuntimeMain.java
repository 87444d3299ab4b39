package io.gproxy.functions.runtime;

import io.gproxy.functions.GroupFunction;

/**
 * Entry point started by the {@code streaming-runtime} exec wrapper in place of the managed runtime's own main
 * class. {@code _HANDLER} names the {@link GroupFunction} to serve (e.g.
 * {@code io.gproxy.functions.GenerateContentFunction::handleRequest}).
 */
public final class StreamingRuntimeMain {
    private StreamingRuntimeMain() {}

    public static void main(String[] args) {
        String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (api == null) {
            System.err.println("AWS_LAMBDA_RUNTIME_API is not set: this entry point runs inside AWS Lambda only");
            System.exit(2);
        }
        RuntimeApiClient client = new RuntimeApiClient(api);
        GroupFunction function;
        try {
            function = instantiate(System.getenv("_HANDLER"));
        } catch (Throwable t) {
            client.initError("Runtime.InitError", t);
            System.exit(1);
            return;
        }
        StreamingRuntime runtime = new StreamingRuntime(client, function.requestHandler());
        if (!runtime.initialise("snap-start".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")))) {
            System.exit(64);
        }
        runtime.loop();
    }

    static GroupFunction instantiate(String handler) throws ReflectiveOperationException {
        if (handler == null || handler.isBlank()) {
            throw new ClassNotFoundException("_HANDLER is not set");
        }
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        return (GroupFunction) Class.forName(className).getDeclaredConstructor().newInstance();
    }
}
