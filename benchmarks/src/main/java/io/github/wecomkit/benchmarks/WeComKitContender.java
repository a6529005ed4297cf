package io.github.wecomkit.benchmarks;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.token.TokenStore;

/** wecomkit's {@link WeComClient} with its defaults, pointed at the stub. */
final class WeComKitContender implements Contender {

    private final String name;
    private final WeComClient client;
    private final AutoCloseable resource;

    private WeComKitContender(String name, WeComClient client, AutoCloseable resource) {
        this.name = name;
        this.client = client;
        this.resource = resource;
    }

    /** The default in-memory token store. */
    static WeComKitContender inMemory(String baseUrl) {
        return new WeComKitContender("wecomkit (in-memory)", builder(baseUrl).build(), null);
    }

    /** A shared token store; {@code resource} is closed with the contender. */
    static WeComKitContender withStore(String name, String baseUrl, TokenStore store, AutoCloseable resource) {
        return new WeComKitContender(name, builder(baseUrl).tokenStore(store).build(), resource);
    }

    /** The default store, with a listener attached. */
    static WeComKitContender withListener(String name, String baseUrl, WeComListener listener) {
        return new WeComKitContender(name, builder(baseUrl).listener(listener).build(), null);
    }

    private static WeComClient.Builder builder(String baseUrl) {
        return WeComClient.builder()
                .corpId(StubWeCom.CORP_ID)
                .secret(StubWeCom.SECRET)
                .baseUrl(baseUrl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String login(String code) {
        return client.login(code).userId();
    }

    @Override
    public String getUser(String userId) {
        return client.getUser(userId).name();
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (resource != null) {
            resource.close();
        }
    }
}
