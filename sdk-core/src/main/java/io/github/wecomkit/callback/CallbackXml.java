package io.github.wecomkit.callback;

import io.github.wecomkit.callback.CallbackException.Reason;

import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the flat {@code <xml><Name>value</Name>...</xml>} documents WeCom sends, refusing anything that could
 * reach outside the document: a DOCTYPE (so no internal or external entities, no billion laughs) or an entity
 * reference.
 */
final class CallbackXml {
    private CallbackXml() {
    }

    /**
     * @param what names the document in error messages ("body" or "decrypted message")
     * @return the top-level elements by name: text of simple elements, inner XML of elements with children
     */
    static Map<String, String> topLevelFields(String xml, String what) {
        XMLStreamReader reader = null;
        try {
            reader = factory().createXMLStreamReader(new StringReader(xml));
            return read(reader, what);
        } catch (CallbackException e) {
            throw e;
        } catch (XMLStreamException | RuntimeException e) {
            // Parser messages can quote the document, so only the position is kept.
            throw malformed(what, "not well-formed XML" + position(e));
        } finally {
            close(reader);
        }
    }

    private static XMLInputFactory factory() {
        // newDefaultFactory: always the JDK parser, whose behaviour under these settings is tested here, never
        // whichever StAX implementation happens to be on the application's classpath.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    private static Map<String, String> read(XMLStreamReader reader, String what) throws XMLStreamException {
        Map<String, String> fields = new LinkedHashMap<>();
        int depth = 0;
        boolean sawRoot = false;
        String name = null;
        StringBuilder text = new StringBuilder();
        StringBuilder inner = new StringBuilder();
        boolean hasChildren = false;
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.DTD:
                    throw malformed(what, "a DOCTYPE is not allowed");
                case XMLStreamConstants.ENTITY_REFERENCE:
                case XMLStreamConstants.ENTITY_DECLARATION:
                    throw malformed(what, "entity references are not allowed");
                case XMLStreamConstants.START_ELEMENT:
                    depth++;
                    if (depth == 1) {
                        if (sawRoot) {
                            throw malformed(what, "more than one root element");
                        }
                        sawRoot = true;
                    } else if (depth == 2) {
                        name = reader.getLocalName();
                        text.setLength(0);
                        inner.setLength(0);
                        hasChildren = false;
                    } else {
                        hasChildren = true;
                        startTag(reader, inner);
                    }
                    break;
                case XMLStreamConstants.CHARACTERS:
                case XMLStreamConstants.CDATA:
                case XMLStreamConstants.SPACE:
                    if (depth == 2) {
                        text.append(reader.getText());
                    }
                    if (depth >= 2) {
                        escape(reader.getText(), inner, false);
                    }
                    break;
                case XMLStreamConstants.END_ELEMENT:
                    if (depth > 2) {
                        inner.append("</").append(reader.getLocalName()).append('>');
                    } else if (depth == 2) {
                        fields.putIfAbsent(name, hasChildren ? inner.toString() : text.toString());
                    }
                    depth--;
                    break;
                default:
                    // Comments, processing instructions and whitespace outside elements carry no fields.
                    break;
            }
        }
        if (!sawRoot) {
            throw malformed(what, "no root element");
        }
        return Collections.unmodifiableMap(fields);
    }

    private static void startTag(XMLStreamReader reader, StringBuilder out) {
        out.append('<').append(reader.getLocalName());
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            out.append(' ').append(reader.getAttributeLocalName(i)).append("=\"");
            escape(reader.getAttributeValue(i), out, true);
            out.append('"');
        }
        out.append('>');
    }

    private static void escape(String value, StringBuilder out, boolean attribute) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                default -> out.append(c);
            }
        }
    }

    private static String position(Exception e) {
        if (e instanceof XMLStreamException x) {
            Location location = x.getLocation();
            if (location != null && location.getLineNumber() > 0) {
                return " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
            }
        }
        return "";
    }

    private static CallbackException malformed(String what, String detail) {
        return new CallbackException(Reason.MALFORMED_XML, "the " + what + " is refused: " + detail);
    }

    private static void close(XMLStreamReader reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (XMLStreamException | RuntimeException ignored) {
            // Closing a reader over a String releases nothing; the outcome is already decided.
        }
    }
}
