package io.github.wecomkit.spring;

import org.springframework.boot.WebApplicationType;

/** The callback endpoint on Spring MVC (Tomcat). */
class MvcCallbackTest extends CallbackEndpointContract {
    @Override
    WebApplicationType webApplicationType() {
        return WebApplicationType.SERVLET;
    }
}
