import Logging

/// A metadata value as JSON: strings as strings, nested dictionaries as objects, arrays as arrays.
struct JSONLogValue: Encodable {
    let value: Logger.MetadataValue

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .stringConvertible(let convertible):
            var container = encoder.singleValueContainer()
            try container.encode(convertible.description)
        case .dictionary(let dictionary):
            try dictionary.mapValues(JSONLogValue.init).encode(to: encoder)
        case .array(let array):
            try array.map(JSONLogValue.init).encode(to: encoder)
        }
    }
}
