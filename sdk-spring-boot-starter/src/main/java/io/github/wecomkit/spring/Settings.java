package io.github.wecomkit.spring;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.spring.internal.WeComConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns {@link WeComProperties} into builder calls, checking each value first so that a bad one fails with the
 * property's name. Messages never carry a value that could be a secret (and none carry any value but numbers).
 */
final class Settings {
    private static final Pattern CALLBACK_TOKEN = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern ENCODING_AES_KEY = Pattern.compile("[A-Za-z0-9]{43}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()+,;=:@%/-]*");

    private Settings() {
    }

    /**
     * Everything but the corp and its secret: base URL, timeouts, retries, proxy. A registry of several corps
     * builds its clients from the same settings.
     */
    static WeComClient.Builder common(WeComProperties p) {
        WeComClient.Builder b = WeComClient.builder();
        b.baseUrl(checkBaseUrl(p.getBaseUrl()));
        b.connectTimeout(positive("wecom.connect-timeout", p.getConnectTimeout()));
        b.requestTimeout(positive("wecom.request-timeout", p.getRequestTimeout()));
        b.retryPolicy(retryPolicy(p.getRetry()));
        proxy(b, p.getProxy());
        return b;
    }

    /** The one corp of {@code wecom.corp-id} and {@code wecom.secret}. */
    static WeComClient.Builder singleCorp(WeComClient.Builder b, WeComProperties p) {
        checkCorps(p);
        b.corpId(require("wecom.corp-id", p.getCorpId(), "Set wecom.corp-id to your corp id (ww..., on the"
                + " admin console's My Company page), in application.properties or as the environment variable "
                + envName("wecom.corp-id") + "."));
        b.secret(require("wecom.secret", p.getSecret(), "Set wecom.secret to the secret of the mini-program's app"
                + " in that corp (admin console: Apps, the mini-program, Secret), preferably from the environment"
                + " variable " + envName("wecom.secret") + "."));
        List<String> accepted = p.getAcceptedCorpIds();
        for (int i = 0; i < accepted.size(); i++) {
            String property = "wecom.accepted-corp-ids[" + i + "]";
            b.acceptedCorpIds(require(property, accepted.get(i), "Remove the empty entry or set a corp id."));
        }
        return b;
    }

    /** A callback handler from {@code wecom.callback.*}; receive ids default to the application's corp ids. */
    static WeComCallback callback(WeComProperties p) {
        WeComProperties.Callback c = p.getCallback();
        String action = " Copy it from the admin console's callback settings (接收消息服务器配置), preferably through"
                + " an environment variable.";
        String token = require("wecom.callback.token", c.getToken(), "Set wecom.callback.token." + action);
        if (!CALLBACK_TOKEN.matcher(token).matches()) {
            throw new WeComConfigurationException("wecom.callback.token", "must be 1 to 32 letters or digits (got "
                    + token.length() + " characters)", "Set wecom.callback.token to the Token shown by WeCom." + action);
        }
        String key = require("wecom.callback.encoding-aes-key", c.getEncodingAesKey(),
                "Set wecom.callback.encoding-aes-key." + action);
        if (!ENCODING_AES_KEY.matcher(key).matches()) {
            throw new WeComConfigurationException("wecom.callback.encoding-aes-key", "must be exactly 43 letters or"
                    + " digits (got " + key.length() + " characters)",
                    "Set wecom.callback.encoding-aes-key to the EncodingAESKey shown by WeCom." + action);
        }
        checkPath(c.getPath());
        Set<String> receiveIds = new LinkedHashSet<>();
        for (int i = 0; i < c.getReceiveIds().size(); i++) {
            receiveIds.add(require("wecom.callback.receive-ids[" + i + "]", c.getReceiveIds().get(i),
                    "Remove the empty entry or set a corp id."));
        }
        if (receiveIds.isEmpty()) {
            receiveIds.addAll(corpIds(p));
        }
        if (receiveIds.isEmpty()) {
            throw new WeComConfigurationException("wecom.callback.receive-ids", "is missing",
                    "Set wecom.callback.receive-ids to the corp id (or suite id) WeCom addresses the callbacks to,"
                            + " or set wecom.corp-id.");
        }
        return WeComCallback.builder().token(token).encodingAesKey(key).receiveIds(new ArrayList<>(receiveIds))
                .build();
    }

    /** The callback path, checked: an absolute path without wildcards or spaces. */
    static String checkPath(String path) {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new WeComConfigurationException("wecom.callback.path", "must be an absolute path such as"
                    + " /wecom/callback, without spaces, wildcards or {variables}",
                    "Set wecom.callback.path to the path of the callback URL configured in WeCom.");
        }
        return path;
    }

    private static Set<String> corpIds(WeComProperties p) {
        Set<String> ids = new LinkedHashSet<>();
        if (p.getCorpId() != null && !p.getCorpId().isBlank()) {
            ids.add(p.getCorpId());
        }
        for (WeComProperties.Corp corp : p.getCorps()) {
            if (corp.getCorpId() != null && !corp.getCorpId().isBlank()) {
                ids.add(corp.getCorpId());
            }
        }
        for (String id : p.getAcceptedCorpIds()) {
            if (id != null && !id.isBlank()) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static void checkCorps(WeComProperties p) {
        List<WeComProperties.Corp> corps = p.getCorps();
        if (corps.isEmpty()) {
            return;
        }
        if (p.getCorpId() != null || p.getSecret() != null) {
            throw new WeComConfigurationException("wecom.corps", "is set together with wecom.corp-id or wecom.secret",
                    "Configure either one corp (wecom.corp-id, wecom.secret) or several (wecom.corps[n].corp-id,"
                            + " wecom.corps[n].secret), not both.");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < corps.size(); i++) {
            String prefix = "wecom.corps[" + i + "]";
            WeComProperties.Corp corp = corps.get(i);
            String id = require(prefix + ".corp-id", corp.getCorpId(), "Set " + prefix + ".corp-id to the corp id.");
            require(prefix + ".secret", corp.getSecret(), "Set " + prefix + ".secret to the secret of the"
                    + " mini-program's app in that corp, preferably from the environment variable "
                    + envName(prefix + ".secret") + ".");
            if (!seen.add(id)) {
                throw new WeComConfigurationException(prefix + ".corp-id", "repeats an earlier corp",
                        "List each corp once in wecom.corps.");
            }
        }
    }

    /**
     * The several corps of {@code wecom.corps}, checked, on the shared settings {@code b} (one pool, one store);
     * the first corp is the default corp of the first login exchange.
     */
    static WeComCorps corps(WeComClient.Builder shared, WeComProperties p) {
        checkCorps(p);
        WeComCorps.Builder corps = WeComCorps.builder();
        for (WeComProperties.Corp corp : p.getCorps()) {
            corps.corp(corp.getCorpId(), corp.getSecret());
        }
        return corps.settings(shared).build();
    }

    /** The proxy group, checked, onto the builder (the secret-free parts of a failure name the property). */
    private static void proxy(WeComClient.Builder b, WeComProperties.Proxy proxy) {
        boolean set = proxy.getHost() != null || proxy.getPort() != null || proxy.getUsername() != null
                || proxy.getPassword() != null || proxy.isSystem();
        if (!set) {
            return;
        }
        if (proxy.isSystem() && (proxy.getHost() != null || proxy.getPort() != null)) {
            throw new WeComConfigurationException("wecom.proxy.system", "is true together with wecom.proxy.host",
                    "Either name a proxy (wecom.proxy.host, wecom.proxy.port) or use the JVM's (wecom.proxy.system).");
        }
        if (!proxy.isSystem()) {
            require("wecom.proxy.host", proxy.getHost(), "Set wecom.proxy.host with wecom.proxy.port.");
            Integer port = proxy.getPort();
            if (port == null || port < 1 || port > 65535) {
                throw new WeComConfigurationException("wecom.proxy.port", port == null ? "is missing"
                        : "must be between 1 and 65535 (got " + port + ")", "Set wecom.proxy.port to the proxy's port.");
            }
        }
        if ((proxy.getUsername() == null) != (proxy.getPassword() == null)) {
            String missing = proxy.getUsername() == null ? "wecom.proxy.username" : "wecom.proxy.password";
            throw new WeComConfigurationException(missing, "is missing",
                    "Set both wecom.proxy.username and wecom.proxy.password, or neither.");
        }
        if (proxy.isSystem()) {
            b.systemProxy();
        } else {
            b.proxy(proxy.getHost(), proxy.getPort());
        }
        if (proxy.getUsername() != null) {
            try {
                b.proxyCredentials(proxy.getUsername(), proxy.getPassword());
            } catch (IllegalArgumentException e) {
                // The builder's message names the argument, never its value.
                throw new WeComConfigurationException("wecom.proxy.username", "is malformed",
                        e.getMessage() + "; fix wecom.proxy.username or wecom.proxy.password.");
            }
        }
    }

    private static RetryPolicy retryPolicy(WeComProperties.Retry r) {
        if (r.getMaxRetries() < 0 || r.getMaxRetries() > 10) {
            throw new WeComConfigurationException("wecom.retry.max-retries", "must be between 0 and 10 (got "
                    + r.getMaxRetries() + ")", "Set wecom.retry.max-retries to 3 (WeCom's advice) or fewer.");
        }
        return RetryPolicy.builder()
                .maxRetries(r.getMaxRetries())
                .initialBackoff(nonNegative("wecom.retry.initial-backoff", r.getInitialBackoff()))
                .maxBackoff(nonNegative("wecom.retry.max-backoff", r.getMaxBackoff()))
                .maxElapsed(nonNegative("wecom.retry.max-elapsed", r.getMaxElapsed()))
                .build();
    }

    private static String checkBaseUrl(String baseUrl) {
        String property = "wecom.base-url";
        String action = "Set wecom.base-url to WeCom's origin, " + WeComClient.DEFAULT_BASE_URL + " (the default),"
                + " or to a test server such as http://127.0.0.1:8089.";
        require(property, baseUrl, action);
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new WeComConfigurationException(property, "is not a URI", action);
        }
        boolean http = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
        if (!http || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new WeComConfigurationException(property, "must be an absolute http(s) URL without user info, query"
                    + " or fragment", action);
        }
        return baseUrl;
    }

    private static Duration positive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new WeComConfigurationException(property, "must be positive (got " + value + ")",
                    "Set " + property + " to a duration such as 3s.");
        }
        return value;
    }

    private static Duration nonNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw new WeComConfigurationException(property, "must not be negative (got " + value + ")",
                    "Set " + property + " to a duration such as 100ms.");
        }
        return value;
    }

    /** Present, not blank, no control characters; the value is never part of the message. */
    static String require(String property, String value, String action) {
        if (value == null) {
            throw new WeComConfigurationException(property, "is missing", action);
        }
        if (value.isBlank()) {
            throw new WeComConfigurationException(property, "is blank", action);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new WeComConfigurationException(property, "contains a control character at index " + i, action);
            }
        }
        return value;
    }

    /** The environment variable Boot's relaxed binding maps to a property: {@code wecom.corp-id -> WECOM_CORPID}. */
    static String envName(String property) {
        return property.replace("-", "").replace("[", "_").replace("]", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
