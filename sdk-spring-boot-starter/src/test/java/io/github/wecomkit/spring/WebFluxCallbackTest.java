package io.github.wecomkit.spring;

import org.springframework.boot.WebApplicationType;

/** The callback endpoint on WebFlux (Netty). */
class WebFluxCallbackTest extends CallbackEndpointContract {
    @Override
    WebApplicationType webApplicationType() {
        return WebApplicationType.REACTIVE;
    }
}
