using System.IO;
using System.Text;

namespace MigrationFormat.Schema.Asn1;

/// <summary>
/// The normative ASN.1 module of the stream's framing (docs/wire-format.md §1): <c>MigrationStream</c> is the whole
/// stream, and the module exports the header, schemas, trailer and checksum types and the integer types that the
/// device modules (<see cref="Asn1DeviceModule"/>) import.
/// </summary>
public static class Asn1FramingModule
{
    /// <summary>The module's name.</summary>
    public const string ModuleName = "MigrationFormat-Stream-2";

    /// <summary>The type of a whole stream.</summary>
    public const string StreamType = "MigrationStream";

    private const string ResourceName = "MigrationFormat.Schema.Asn1.MigrationFormat-Stream-2.asn1";

    /// <summary>Gets the module's text, as docs/wire-format.md prints it.</summary>
    public static string Text { get; } = Load();

    private static string Load()
    {
        using Stream stream = typeof(Asn1FramingModule).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new System.Resources.MissingManifestResourceException(ResourceName);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
