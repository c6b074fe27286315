using System.Buffers;
using System.Security.Cryptography;

namespace MigrationFormat.Qemu.Tests;

public class RoundTripTests
{
    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void ReadThenWrite_Fixture_GivesIdenticalBytes(string name)
    {
        byte[] original = Fixtures.Stream(name);
        var output = new ArrayBufferWriter<byte>(original.Length);
        using (var writer = new QemuStreamWriter(output))
        {
            foreach (QemuRecord record in Fixtures.ReadAll(original))
            {
                writer.Write(record);
            }
        }

        Assert.Equal(Convert.ToHexString(SHA256.HashData(original)), Convert.ToHexString(SHA256.HashData(output.WrittenSpan)));
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void AnalyzerState_Fixture_EqualsAnalyzerOutputByteForByte(string name)
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteState(new MemoryStream(Fixtures.Stream(name)), output);
        byte[] expected = Fixtures.StateJson(name);
        AssertSameText(expected, output.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void AnalyzerDesc_Fixture_EqualsAnalyzerOutputByteForByte(string name)
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteDescription(new MemoryStream(Fixtures.Stream(name)), output);
        AssertSameText(Fixtures.DescJson(name), output.WrittenSpan.ToArray());
    }

    internal static void AssertSameText(byte[] expected, byte[] actual)
    {
        int length = Math.Min(expected.Length, actual.Length);
        int first = expected.AsSpan(0, length).CommonPrefixLength(actual.AsSpan(0, length));
        if (first == length && expected.Length == actual.Length)
        {
            return;
        }

        string Around(byte[] bytes) => System.Text.Encoding.UTF8.GetString(
            bytes,
            Math.Max(0, first - 200),
            Math.Min(bytes.Length - Math.Max(0, first - 200), 400));
        Assert.Fail(
            $"First difference at byte {first} (expected {expected.Length} bytes, got {actual.Length})."
            + $"\n--- expected ---\n{Around(expected)}\n--- actual ---\n{Around(actual)}");
    }
}
