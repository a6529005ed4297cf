package io.github.wecomkit.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code wecom.*} properties: what the starter builds the {@code WeComClient}, its token store and the callback
 * endpoint from. They are checked at start-up; a missing or malformed one stops the application with a message that
 * names the property and never shows a secret.
 *
 * <pre>{@code
 * wecom.corp-id=ww0123456789abcdef
 * wecom.secret=${WECOM_SECRET}
 * wecom.callback.token=${WECOM_CALLBACK_TOKEN}
 * wecom.callback.encoding-aes-key=${WECOM_CALLBACK_AES_KEY}
 * }</pre>
 *
 * <p>A JavaBean with setters because Spring binds it so; the defaults are those of {@code WeComClient} and
 * {@code RetryPolicy}, and a test keeps them equal.
 */
@ConfigurationProperties(prefix = "wecom")
public class WeComProperties {

    /** Whether to auto-configure wecomkit at all. */
    private boolean enabled = true;

    /** The corp id (ww...), from the admin console's "My Company" page. Required unless wecom.corps is set. */
    private String corpId;

    /**
     * The secret of the mini-program's app in that corp (not another app's, not the contacts secret). Never logged.
     */
    private String secret;

    /** Further corps whose members login accepts besides wecom.corp-id (one mini-program bound to several corps). */
    private List<String> acceptedCorpIds = new ArrayList<>();

    /** WeCom's API origin; tests and forward proxies change it. */
    private String baseUrl = "https://qyapi.weixin.qq.com";

    /** Time to open a connection to WeCom. */
    private Duration connectTimeout = Duration.ofSeconds(3);

    /** Time to wait for WeCom's answer once connected (a user is usually waiting on a login). */
    private Duration requestTimeout = Duration.ofSeconds(10);

    private final Proxy proxy = new Proxy();

    private final Retry retry = new Retry();

    private final TokenStore tokenStore = new TokenStore();

    /**
     * The corps of a mini-program bound to several corps, each with its app's secret; the first is the default.
     * Instead of wecom.corp-id and wecom.secret.
     */
    private List<Corp> corps = new ArrayList<>();

    private final Callback callback = new Callback();

    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getCorpId() {
        return corpId;
    }

    public void setCorpId(String corpId) {
        this.corpId = corpId;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public List<String> getAcceptedCorpIds() {
        return acceptedCorpIds;
    }

    public void setAcceptedCorpIds(List<String> acceptedCorpIds) {
        this.acceptedCorpIds = acceptedCorpIds;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Proxy getProxy() {
        return proxy;
    }

    public Retry getRetry() {
        return retry;
    }

    public TokenStore getTokenStore() {
        return tokenStore;
    }

    public List<Corp> getCorps() {
        return corps;
    }

    public void setCorps(List<Corp> corps) {
        this.corps = corps;
    }

    public Callback getCallback() {
        return callback;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "WeComProperties{corpId=" + corpId + ", secret=" + (secret == null ? "unset" : "set") + ", corps="
                + corps + ", baseUrl=" + baseUrl + ", tokenStore=" + tokenStore.type + "}";
    }

    /** An HTTP forward proxy between the application and WeCom. */
    public static class Proxy {
        /** Host of an HTTP proxy to reach WeCom through (HTTPS goes through it with CONNECT). */
        private String host;

        /** Port of the proxy; required with wecom.proxy.host. */
        private Integer port;

        /** User name for the proxy's Basic authentication. */
        private String username;

        /** Password for the proxy's Basic authentication. Never logged. */
        private String password;

        /** Whether to use the JVM's proxy settings (https.proxyHost, http.nonProxyHosts, ...) instead of a host. */
        private boolean system;

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public boolean isSystem() {
            return system;
        }

        public void setSystem(boolean system) {
            this.system = system;
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Proxy{host=" + host + ", port=" + port + ", system=" + system + ", password="
                    + (password == null ? "unset" : "set") + "}";
        }
    }

    /** How often and how long a call that failed in a retryable way (errcode -1, a refused connection) is retried. */
    public static class Retry {
        /** Retries after the first attempt, 0 to 10 (WeCom advises at most 3 for errcode -1). */
        private int maxRetries = 3;

        /** Wait before the first retry; it doubles for each further one, with jitter. */
        private Duration initialBackoff = Duration.ofMillis(100);

        /** Longest single wait between two attempts. */
        private Duration maxBackoff = Duration.ofSeconds(2);

        /** No retry starts after this much time since the first attempt. */
        private Duration maxElapsed = Duration.ofSeconds(10);

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public Duration getMaxElapsed() {
            return maxElapsed;
        }

        public void setMaxElapsed(Duration maxElapsed) {
            this.maxElapsed = maxElapsed;
        }
    }

    /** Where access tokens are kept and shared. */
    public static class TokenStore {
        /**
         * Where tokens are kept: auto (Redis when the application has a Lettuce RedisConnectionFactory and
         * wecomkit-cache-redis, else in memory), memory, or redis (fails at start-up without them).
         */
        private TokenStoreType type = TokenStoreType.AUTO;

        /** Prefix of every Redis key wecomkit writes; change it to share one Redis database between applications. */
        private String keyPrefix = "wecomkit:";

        public TokenStoreType getType() {
            return type;
        }

        public void setType(TokenStoreType type) {
            this.type = type;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }
    }

    /** The values of {@code wecom.token-store.type}. */
    public enum TokenStoreType {
        /** Redis when the application has it, otherwise in memory. */
        AUTO,
        /** In this process only: one instance, or a fleet that accepts one token fetch per instance. */
        MEMORY,
        /** Redis, shared by every instance; start-up fails when the application has no Lettuce Redis client. */
        REDIS
    }

    /** One corp of a mini-program bound to several corps. */
    public static class Corp {
        /** The corp id (ww...). */
        private String corpId;

        /** The secret of the mini-program's app in that corp. Never logged. */
        private String secret;

        public String getCorpId() {
            return corpId;
        }

        public void setCorpId(String corpId) {
            this.corpId = corpId;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "Corp{corpId=" + corpId + ", secret=" + (secret == null ? "unset" : "set") + "}";
        }
    }

    /** The callback URL (回调) WeCom sends events to; the endpoint exists once wecom.callback.token is set. */
    public static class Callback {
        /** Whether to serve the callback endpoint when a callback Token is configured. */
        private boolean enabled = true;

        /** The Token set with the callback URL in the admin console: 1 to 32 letters or digits. Never logged. */
        private String token;

        /** The EncodingAESKey set with the callback URL: 43 letters or digits. Never logged. */
        private String encodingAesKey;

        /** Receive ids a decrypted callback may carry; the corp ids of this application by default. */
        private List<String> receiveIds = new ArrayList<>();

        /** Path of the callback endpoint: GET verifies the URL, POST receives events. */
        private String path = "/wecom/callback";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }

        public String getEncodingAesKey() {
            return encodingAesKey;
        }

        public void setEncodingAesKey(String encodingAesKey) {
            this.encodingAesKey = encodingAesKey;
        }

        public List<String> getReceiveIds() {
            return receiveIds;
        }

        public void setReceiveIds(List<String> receiveIds) {
            this.receiveIds = receiveIds;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }
    }

    /** Micrometer metrics. */
    public static class Metrics {
        /** Whether to record wecom.* meters when the application has a Micrometer MeterRegistry. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
