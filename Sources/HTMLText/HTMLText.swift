/// Converts HTML mail bodies to readable text.
public enum HTMLText {}
