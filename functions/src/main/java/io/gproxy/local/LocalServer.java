package io.gproxy.local;

import io.gproxy.app.Bootstrap;
import io.gproxy.app.Gateway;
import io.gproxy.app.ImportReport;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.store.dynamodb.DynamoTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code gproxy local} (DESIGN §7): embedded DynamoDB Local, the table, the master-key cipher, optional import,
 * first-start bootstrap, then every function group on one port through the same {@link Gateway} handler the Lambda
 * functions use. Usable in-process (tests start it on port 0).
 */
public final class LocalServer implements AutoCloseable {
    private final EmbeddedDynamo dynamo;
    private final DynamoDbClient ddb;
    private final LocalHttpServer http;
    private final Gateway gateway;
    private final Bootstrap.Result bootstrap;

    private LocalServer(EmbeddedDynamo dynamo, DynamoDbClient ddb, LocalHttpServer http, Gateway gateway,
                        Bootstrap.Result bootstrap) {
        this.dynamo = dynamo;
        this.ddb = ddb;
        this.http = http;
        this.gateway = gateway;
        this.bootstrap = bootstrap;
    }

    public static LocalServer start(LocalOptions options, Map<String, String> env, PrintStream out) throws Exception {
        long started = System.nanoTime();
        Map<String, String> effective = new HashMap<>(env);
        effective.put("GPROXY_MASTER_KEY", MasterKeyFile.resolve(env.get("GPROXY_MASTER_KEY"), options.dataDir(),
                options.inMemory(), out));
        EmbeddedDynamo dynamo = EmbeddedDynamo.start(options.dataDir(), options.inMemory());
        long dynamoMillis = (System.nanoTime() - started) / 1_000_000;
        effective.put("GPROXY_DYNAMODB_ENDPOINT", dynamo.endpoint());
        RuntimeConfig config = RuntimeConfig.fromEnv(effective);
        DynamoDbClient ddb = Gateway.dynamoFromConfig(config);
        LocalHttpServer http = null;
        try {
            DynamoTable.ensure(ddb, config.tableName());
            Gateway gateway = Gateway.builder().config(config).dynamoDb(ddb).log(out).build();
            if (options.importFile() != null) {
                ImportReport report = gateway.importer().importBundle(Files.readAllBytes(options.importFile()));
                report.warnings().forEach(w -> out.println("import warning: " + w));
                out.println("imported " + options.importFile() + ": " + report.counts()
                        + (report.seededRoutingRules() > 0 ? ", " + report.seededRoutingRules() + " routing rules from channel defaults" : ""));
            }
            Bootstrap.Result boot = gateway.bootstrap().run();
            gateway.configCache().reload();

            http = LocalHttpServer.start(gateway.handlerForAllGroups(), options.host(), options.port());
            LocalServer server = new LocalServer(dynamo, ddb, http, gateway, boot);
            if (boot.firstStart()) {
                out.println("first start: admin user '" + boot.adminName() + "'"
                        + (boot.password() != null ? " password: " + boot.password() : " (password from GPROXY_ADMIN_PASSWORD)"));
                out.println("first start: gateway API key for '" + boot.adminName() + "': " + boot.apiKey());
            }
            out.printf("gproxy local ready on %s (data: %s) in %d ms (DynamoDB Local %d ms)%n", server.baseUrl(),
                    options.inMemory() ? "in memory" : options.dataDir().toAbsolutePath(),
                    (System.nanoTime() - started) / 1_000_000, dynamoMillis);
            return server;
        } catch (Exception | Error e) {
            if (http != null) {
                http.close();
            }
            ddb.close();
            dynamo.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public String baseUrl() {
        return http.baseUrl();
    }

    /** The embedded DynamoDB Local's endpoint. */
    public String dynamoEndpoint() {
        return dynamo.endpoint();
    }

    public Gateway gateway() {
        return gateway;
    }

    /** What the first start printed (the admin password and API key), for tests. */
    public Bootstrap.Result bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() throws Exception {
        http.close();
        ddb.close();
        dynamo.close();
    }

}
