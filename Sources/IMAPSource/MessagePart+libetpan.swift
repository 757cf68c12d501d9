import CEtPan

// BODYSTRUCTURE as libetpan parses it, turned into `MessagePart` values. The C tree belongs to the
// fetch response and is freed with it; nothing here keeps a pointer.
extension MessagePart {
    /// The structure of a whole message; numbering follows RFC 3501 section 6.4.5.
    init(body: UnsafePointer<mailimap_body>) {
        self.init(body: body, section: body.isMultipart ? "" : "1")
    }

    private init(body: UnsafePointer<mailimap_body>, section: String) {
        if body.isMultipart, let multipart = body.pointee.bd_data.bd_body_mpart {
            let parts = CList<mailimap_body>(multipart.pointee.bd_list).enumerated().map { index, child in
                MessagePart(body: child, section: section.isEmpty ? "\(index + 1)" : "\(section).\(index + 1)")
            }
            let extensions = multipart.pointee.bd_ext_mpart?.pointee
            self.init(section: section, type: "multipart", subtype: string(multipart.pointee.bd_media_subtype),
                      parameters: MIMEParameter.list(extensions?.bd_parameter),
                      content: .multipart(parts))
            setDisposition(extensions?.bd_disposition)
            return
        }
        self.init(section: section, type: "application", subtype: "octet-stream")
        guard let single = body.pointee.bd_data.bd_body_1part?.pointee else { return }
        switch Int(single.bd_type) {
        case MAILIMAP_BODY_TYPE_1PART_TEXT:
            if let text = single.bd_data.bd_type_text?.pointee {
                (type, subtype) = ("text", string(text.bd_media_text))
                setFields(text.bd_fields)
            }
        case MAILIMAP_BODY_TYPE_1PART_MSG:
            if let message = single.bd_data.bd_type_msg?.pointee, let inner = message.bd_body {
                (type, subtype) = ("message", "rfc822")
                setFields(message.bd_fields)
                content = .message(MessagePart(body: inner, section: inner.isMultipart ? section : "\(section).1"))
            }
        default:
            if let basic = single.bd_data.bd_type_basic?.pointee, let media = basic.bd_media_basic?.pointee {
                (type, subtype) = (mediaType(media), string(media.med_subtype))
                setFields(basic.bd_fields)
            }
        }
        setDisposition(single.bd_ext_1part?.pointee.bd_disposition)
    }

    private mutating func setFields(_ fields: UnsafeMutablePointer<mailimap_body_fields>?) {
        guard let fields = fields?.pointee else { return }
        parameters = MIMEParameter.list(fields.bd_parameter)
        size = Int(fields.bd_size)
        encoding = fields.bd_encoding.map { encodingName($0.pointee) }
    }

    private mutating func setDisposition(_ disposition: UnsafeMutablePointer<mailimap_body_fld_dsp>?) {
        guard let disposition = disposition?.pointee else { return }
        self.disposition = string(disposition.dsp_type)
        dispositionParameters = MIMEParameter.list(disposition.dsp_attributes)
    }
}

extension MIMEParameter {
    static func list(_ parameters: UnsafeMutablePointer<mailimap_body_fld_param>?) -> [MIMEParameter] {
        CList<mailimap_single_body_fld_param>(parameters?.pointee.pa_list).map { parameter in
            MIMEParameter(name: string(parameter.pointee.pa_name), value: String(cString: parameter.pointee.pa_value))
        }
    }
}

extension UnsafePointer<mailimap_body> {
    fileprivate var isMultipart: Bool { Int(pointee.bd_type) == MAILIMAP_BODY_MPART }
}

extension UnsafeMutablePointer<mailimap_body> {
    fileprivate var isMultipart: Bool { UnsafePointer(self).isMultipart }
}

/// A lowercased C string; empty for NULL.
private func string(_ text: UnsafeMutablePointer<CChar>?) -> String {
    text.map { String(cString: $0).lowercased() } ?? ""
}

private func mediaType(_ media: mailimap_media_basic) -> String {
    switch Int(media.med_type) {
    case MAILIMAP_MEDIA_BASIC_APPLICATION: "application"
    case MAILIMAP_MEDIA_BASIC_AUDIO: "audio"
    case MAILIMAP_MEDIA_BASIC_IMAGE: "image"
    case MAILIMAP_MEDIA_BASIC_MESSAGE: "message"
    case MAILIMAP_MEDIA_BASIC_VIDEO: "video"
    default: string(media.med_basic_type)
    }
}

private func encodingName(_ encoding: mailimap_body_fld_enc) -> String {
    switch Int(encoding.enc_type) {
    case MAILIMAP_BODY_FLD_ENC_7BIT: "7bit"
    case MAILIMAP_BODY_FLD_ENC_8BIT: "8bit"
    case MAILIMAP_BODY_FLD_ENC_BINARY: "binary"
    case MAILIMAP_BODY_FLD_ENC_BASE64: "base64"
    case MAILIMAP_BODY_FLD_ENC_QUOTED_PRINTABLE: "quoted-printable"
    default: string(encoding.enc_value)
    }
}
