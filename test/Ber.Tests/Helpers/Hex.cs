namespace MigrationFormat.Ber.Tests.Helpers;

/// <summary>Hex text for test vectors: spaces are ignored, so vectors can be grouped by TLV.</summary>
internal static class Hex
{
    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
