package io.gproxy.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DynamoDB Local inside this JVM, listening on a free loopback port: on disk under the data directory (config
 * survives restarts) or in memory. Real HTTP, so the gateway's DynamoDB code runs exactly as against AWS. Telemetry
 * is off: a local gateway does not phone home, nor write {@code dynamodb-local-metadata.json} into the working
 * directory.
 */
public final class EmbeddedDynamo implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final int port;

    private EmbeddedDynamo(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedDynamo start(Path dataDir, boolean inMemory) throws Exception {
        int port = freePort();
        String[] args;
        if (inMemory) {
            args = new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"};
        } else {
            Path dir = dataDir.resolve("dynamodb");
            Files.createDirectories(dir);
            // -sharedDb: one database file whatever credentials/region the client uses
            args = new String[] {"-sharedDb", "-dbPath", dir.toAbsolutePath().toString(), "-port", Integer.toString(port),
                    "-disableTelemetry"};
        }
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args);
        server.start();
        return new EmbeddedDynamo(server, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
