using System.Formats.Asn1;

namespace MigrationFormat.Ber.Tests.Helpers;

internal delegate void BerWriteAction(ref BerWriter writer);

/// <summary>Runs a <see cref="BerWriter"/> over a fresh buffer, and converts tags for <see cref="AsnWriter"/> and <see cref="AsnReader"/>.</summary>
internal static class Encode
{
    public static byte[] With(BerWriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new BerWriter(output);
        write(ref writer);
        writer.Flush();
        writer.Dispose();
        return output.WrittenSpan.ToArray();
    }

    public static Asn1Tag ToAsn(BerTag tag) => new(
        tag.TagClass switch
        {
            BerTagClass.Universal => TagClass.Universal,
            BerTagClass.Application => TagClass.Application,
            BerTagClass.ContextSpecific => TagClass.ContextSpecific,
            _ => TagClass.Private,
        },
        checked((int)tag.TagNumber),
        tag.IsConstructed);
}
