package io.gproxy.app;

import io.gproxy.admin.AdminHandler;
import io.gproxy.billing.Billing;
import io.gproxy.billing.BillingOptions;
import io.gproxy.channel.CatalogRefresher;
import io.gproxy.channel.ChannelException;
import io.gproxy.channel.ChannelHttp;
import io.gproxy.channel.login.LoginFlowService;
import io.gproxy.store.dynamodb.DynamoLoginStateStore;
import io.gproxy.store.memory.MemoryLoginStateStore;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.CredentialRefresher;
import io.gproxy.config.ConfigCache;
import io.gproxy.crypto.KmsEnvelopeCipher;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.http.FunctionGroup;
import io.gproxy.http.RequestHandler;
import io.gproxy.pipeline.GatewayPipeline;
import io.gproxy.pipeline.OutboundClients;
import io.gproxy.pipeline.ProxyResolver;
import io.gproxy.pipeline.UpstreamClient;
import io.gproxy.channel.pool.CredentialHealth;
import io.gproxy.channel.pool.SharedCredentialHealth;
import io.gproxy.store.CaptureStore;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.HealthStore;
import io.gproxy.store.dynamodb.DynamoCaptureStore;
import io.gproxy.store.dynamodb.DynamoHealthStore;
import io.gproxy.store.memory.MemoryCaptureStore;
import io.gproxy.store.memory.MemoryHealthStore;
import io.gproxy.store.CounterStore;
import io.gproxy.store.dynamodb.DynamoAuditStore;
import io.gproxy.store.dynamodb.DynamoCredentialSecretStore;
import io.gproxy.store.dynamodb.DynamoLoginThrottleStore;
import io.gproxy.store.dynamodb.DynamoSessionStore;
import io.gproxy.store.dynamodb.DynamoUsageReader;
import io.gproxy.store.memory.EmptyUsageReader;
import io.gproxy.store.memory.MemoryAuditStore;
import io.gproxy.store.memory.MemoryLoginThrottleStore;
import io.gproxy.store.memory.MemorySessionStore;
import io.gproxy.store.dynamodb.DynamoLeaseStore;
import io.gproxy.store.dynamodb.DynamoCounterStore;
import io.gproxy.store.memory.MemoryCounterStore;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.store.dynamodb.DynamoConfigStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The one wiring point (DESIGN §2): config, store, cipher, cache, channel registry, pipeline and router, built the
 * same way for every Lambda function, the local server and the tests. Anything not given to the builder is built
 * from {@link RuntimeConfig}.
 */
public final class Gateway {
    public static final String VERSION = "0.1.0";

    private final RuntimeConfig config;
    private final ConfigStore store;
    private final SecretCipher cipher;
    private final ChannelRegistry channels;
    private final ConfigCache cache;
    private final GatewayPipeline pipeline;
    private final AdminHandler admin;
    private final PrintStream log;
    private final CounterStore counters;
    private final HealthStore healthStore;
    private final SharedCredentialHealth health;
    private final CaptureStore captures;

    private Gateway(Builder b) {
        this.config = b.config;
        this.channels = b.channels != null ? b.channels : ChannelRegistry.builtIn();
        this.cipher = b.cipher != null ? b.cipher : cipherFromConfig(config);
        DynamoDbClient ddb = b.dynamoDb != null ? b.dynamoDb : b.store == null ? dynamoFromConfig(config) : null;
        this.store = b.store != null ? b.store : new DynamoConfigStore(ddb, config.tableName());
        Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
        // billing (issue 6): counters in the same table; in memory only for unit tests that bring their own store
        this.counters = b.counters != null ? b.counters
                : ddb != null ? new DynamoCounterStore(ddb, config.tableName()) : new MemoryCounterStore();
        Billing billing = new Billing(counters, clock, b.billingOptions != null ? b.billingOptions : BillingOptions.DEFAULTS);
        this.cache = new ConfigCache(store, config.configRefresh(), clock);
        HttpClient http = b.httpClient != null ? b.httpClient : UpstreamClient.defaultHttpClient(config.upstreamConnectTimeout());
        OutboundClients outbound = new OutboundClients(http, config.upstreamConnectTimeout());
        // side calls (token refresh, model lists) follow the process-wide proxy; per-credential proxies apply to
        // the proxied requests themselves
        HttpClient sideCalls = outbound.client(processProxy(config));
        CodecRegistry codecs = b.codecs != null ? b.codecs : CodecRegistry.builtIn();
        // single-flight OAuth refresh on the table's credential rows and leases; stores without a table
        // (in-memory unit-test stores) hold no credential rows to rotate, so secrets are used as they are
        CredentialRefresher refresher = ddb == null ? null : new CredentialRefresher(
                new DynamoCredentialSecretStore(ddb, config.tableName()), new DynamoLeaseStore(ddb, config.tableName()),
                cipher, ChannelHttp.jdk(sideCalls), clock, CredentialRefresher.Options.defaults(), null);
        // issue 5: cooldowns and open breakers shared through HEALTH items, adopted with every config poll (one Query
        // per poll interval, none per request); captures written after the last byte
        this.healthStore = ddb != null ? new DynamoHealthStore(ddb, config.tableName()) : new MemoryHealthStore();
        this.health = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), healthStore);
        cache.addPollListener(() -> health.sync(clock.instant()));
        this.captures = ddb != null ? new DynamoCaptureStore(ddb, config.tableName()) : new MemoryCaptureStore();
        this.pipeline = new GatewayPipeline(channels, codecs, cipher, new UpstreamClient(outbound,
                new ProxyResolver(config.upstreamProxyUrl()), config.upstreamTimeout()),
                config.maxAttempts(), config.streamKeepalive().toMillis(), billing, refresher, health, clock);
        BundleImporter importer = new BundleImporter(store, cipher, channels);
        // admin state (sessions, login throttle, audit) lives in the same table; unit-test gateways keep it in memory
        this.admin = new AdminHandler(new AdminHandler.Services(VERSION, store, cache, cipher, channels, importer,
                new CatalogRefresher(ChannelHttp.jdk(sideCalls), CatalogRefresher.DEFAULT_TIMEOUT, clock),
                ddb != null ? new DynamoSessionStore(ddb, config.tableName()) : new MemorySessionStore(),
                ddb != null ? new DynamoLoginThrottleStore(ddb, config.tableName()) : new MemoryLoginThrottleStore(),
                ddb != null ? new DynamoAuditStore(ddb, config.tableName()) : new MemoryAuditStore(),
                ddb != null ? new DynamoUsageReader(ddb, config.tableName()) : new EmptyUsageReader(),
                clock, !config.originSecrets().isEmpty(),
                new LoginFlowService(channels, ddb != null ? new DynamoLoginStateStore(ddb, config.tableName())
                        : new MemoryLoginStateStore(), cipher, ChannelHttp.jdk(sideCalls), clock, new SecureRandom(),
                        Duration.ofSeconds(30)),
                healthStore, health, captures));
        this.log = b.log != null ? b.log : System.out;
    }

    private static OutboundProxy processProxy(RuntimeConfig config) {
        try {
            return config.upstreamProxyUrl() == null ? OutboundProxy.DIRECT : OutboundProxy.parse(config.upstreamProxyUrl());
        } catch (ChannelException e) {
            throw new IllegalArgumentException("GPROXY_UPSTREAM_PROXY_URL: " + e.getMessage());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handler of a function serving {@code groups}; other paths get 404. */
    public RequestHandler handler(Set<FunctionGroup> groups) {
        return new GatewayHandler(groups, cache, pipeline, admin, config.maxBodyBytes(), log,
                new OriginCheck(config.originSecrets()), captures);
    }

    /** The handler serving every group (local mode). */
    public RequestHandler handlerForAllGroups() {
        return handler(FunctionGroup.all());
    }

    /** The whole config as an import bundle (`gproxy export`, {@code GET /admin/export}). */
    public BundleExporter exporter() {
        return new BundleExporter(cipher);
    }

    public BundleImporter importer() {
        return new BundleImporter(store, cipher, channels);
    }

    public Bootstrap bootstrap() {
        return new Bootstrap(store, cipher, config.adminUser(), config.adminPassword());
    }

    public ConfigCache configCache() {
        return cache;
    }

    public ConfigStore store() {
        return store;
    }

    /** Rate-limit, budget and usage counters (billing, issue 6). */
    public CounterStore counters() {
        return counters;
    }

    /** Shared credential health entries (issue 5): the admin API lists them and resets a credential's. */
    public HealthStore healthStore() {
        return healthStore;
    }

    /**
     * This container's credential health; {@code reset(id, now)} clears a credential here and in the store, and every
     * other container clears it at its next config poll (admin {@code DELETE /admin/credentials/{id}/status}).
     */
    public SharedCredentialHealth credentialHealth() {
        return health;
    }

    /** Captured request logs (issue 5): the admin API queries them by time range and request id. */
    public CaptureStore captures() {
        return captures;
    }

    public SecretCipher cipher() {
        return cipher;
    }

    public ChannelRegistry channels() {
        return channels;
    }

    public RuntimeConfig config() {
        return config;
    }

    /** KMS envelope encryption when a key is configured (AWS), else the master key (local mode). */
    private static SecretCipher cipherFromConfig(RuntimeConfig config) {
        if (config.kmsKeyId() != null) {
            KmsClient kms = KmsClient.builder().region(Region.of(config.region()))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            return new KmsEnvelopeCipher(kms, config.kmsKeyId());
        }
        if (config.masterKey() == null) {
            throw new IllegalStateException("neither GPROXY_KMS_KEY_ID nor GPROXY_MASTER_KEY is set");
        }
        return MasterKeyCipher.fromBase64(config.masterKey());
    }

    /**
     * A DynamoDB client on the url-connection HTTP client; static dummy credentials when pointed at DynamoDB Local.
     * Standard retries (3 attempts) instead of the SDK's DynamoDB default (9 attempts, throttling backing off up to
     * 20 s): the request path must fail closed within a second or two while the table throttles or is down, not hold
     * every client for half a minute; the counter store retries its own writes where retrying is safe.
     */
    public static DynamoDbClient dynamoFromConfig(RuntimeConfig config) {
        var b = DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD));
        if (config.dynamoEndpoint() != null) {
            b.endpointOverride(URI.create(config.dynamoEndpoint()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return b.build();
    }

    public static final class Builder {
        private RuntimeConfig config = RuntimeConfig.defaults();
        private ConfigStore store;
        private DynamoDbClient dynamoDb;
        private SecretCipher cipher;
        private ChannelRegistry channels;
        private CodecRegistry codecs;
        private HttpClient httpClient;
        private Clock clock;
        private PrintStream log;
        private CounterStore counters;
        private BillingOptions billingOptions;

        public Builder config(RuntimeConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Use this DynamoDB client for the single table named in the config. */
        public Builder dynamoDb(DynamoDbClient client) {
            this.dynamoDb = client;
            return this;
        }

        /** Use this store instead of DynamoDB (unit tests). */
        public Builder store(ConfigStore store) {
            this.store = store;
            return this;
        }

        public Builder cipher(SecretCipher cipher) {
            this.cipher = cipher;
            return this;
        }

        public Builder channels(ChannelRegistry channels) {
            this.channels = channels;
            return this;
        }

        public Builder codecs(CodecRegistry codecs) {
            this.codecs = codecs;
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.httpClient = client;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where request log lines go (stdout by default, which is CloudWatch on Lambda). */
        public Builder log(PrintStream log) {
            this.log = log;
            return this;
        }

        /** Use these counters instead of the table's (unit tests). */
        public Builder counters(CounterStore counters) {
            this.counters = counters;
            return this;
        }

        public Builder billingOptions(BillingOptions options) {
            this.billingOptions = options;
            return this;
        }

        public Gateway build() {
            return new Gateway(this);
        }
    }
}
