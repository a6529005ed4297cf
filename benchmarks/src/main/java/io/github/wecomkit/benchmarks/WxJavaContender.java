package io.github.wecomkit.benchmarks;

import me.chanjar.weixin.cp.api.WxCpService;
import me.chanjar.weixin.cp.api.impl.WxCpServiceImpl;
import me.chanjar.weixin.cp.config.impl.WxCpDefaultConfigImpl;
import org.redisson.api.RedissonClient;
import me.chanjar.weixin.cp.config.impl.WxCpRedissonConfigImpl;

/**
 * WxJava's {@code weixin-java-cp}, the SDK users would pick instead: {@code WxCpServiceImpl} (Apache HttpClient 4,
 * Gson, the default in its Spring Boot starter), its base URL pointed at the stub.
 */
final class WxJavaContender implements Contender {

    private final String name;
    private final WxCpService service;

    private WxJavaContender(String name, WxCpDefaultConfigImpl config, String baseUrl) {
        this.name = name;
        config.setCorpId(StubWeCom.CORP_ID);
        config.setCorpSecret(StubWeCom.SECRET);
        // Builds the Redis keys in the Redis config; a mini-program app without an agent id still needs one.
        config.setAgentId(1000002);
        config.setBaseApiUrl(baseUrl);
        WxCpServiceImpl impl = new WxCpServiceImpl();
        impl.setWxCpConfigStorage(config);
        this.service = impl;
    }

    /** Tokens in memory ({@code WxCpDefaultConfigImpl}). */
    static WxJavaContender inMemory(String baseUrl) {
        return new WxJavaContender("WxJava 4.7 (in-memory)", new WxCpDefaultConfigImpl(), baseUrl);
    }

    /** Tokens in Redis through Redisson ({@code WxCpRedissonConfigImpl}), the store its starter offers. */
    static WxJavaContender redisson(String baseUrl, RedissonClient redisson) {
        return new WxJavaContender("WxJava 4.7 (Redisson)", new WxCpRedissonConfigImpl(redisson, "bench"), baseUrl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String login(String code) throws Exception {
        return service.jsCode2Session(code).getUserId();
    }

    @Override
    public String getUser(String userId) throws Exception {
        return service.getUserService().getById(userId).getName();
    }
}
