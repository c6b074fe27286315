namespace MigrationFormat.Ber;

/// <summary>What <see cref="BerReader.Read"/> stopped on.</summary>
public enum BerTokenType : byte
{
    /// <summary>Nothing has been read yet.</summary>
    None,

    /// <summary>A primitive value; its contents are in <see cref="BerReader.ValueSpan"/> or <see cref="BerReader.ValueSequence"/>.</summary>
    Primitive,

    /// <summary>The identifier and length of a constructed value; its contents are read next.</summary>
    StartConstructed,

    /// <summary>The end of a constructed value: its end-of-contents octets, or the end of its definite length.</summary>
    EndConstructed,
}
