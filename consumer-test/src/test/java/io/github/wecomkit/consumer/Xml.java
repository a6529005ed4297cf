package io.github.wecomkit.consumer;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/** The little DOM reading the POMs and POM snippets need; no DOCTYPE accepted. */
final class Xml {
    private Xml() {
    }

    /** @return the parsed document, namespace-aware */
    static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** @return the first child element of that local name, or null */
    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** @return the child elements of that local name, or all of them for a null name */
    static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || name.equals(e.getLocalName()))) {
                children.add(e);
            }
        }
        return children;
    }

    /** @return the trimmed text of a child element, or {@code absent} */
    static String text(Element parent, String name, String absent) {
        Element child = child(parent, name);
        return child == null ? absent : child.getTextContent().strip();
    }
}
