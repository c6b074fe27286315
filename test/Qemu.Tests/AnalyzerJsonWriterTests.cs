using System.Buffers;
using System.Text;

namespace MigrationFormat.Qemu.Tests;

public class AnalyzerJsonWriterTests
{
    private static string Desc(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteDescription(VmDescription.Parse(Encoding.UTF8.GetBytes(json)), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string State(byte[] stream)
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteState(new MemoryStream(stream), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void WriteState_NonSeekableFixture_EqualsAnalyzerOutput()
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteState(new NonSeekableStream(new MemoryStream(Fixtures.Stream("pc-serial-paused"))), output);

        RoundTripTests.AssertSameText(Fixtures.StateJson("pc-serial-paused"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteDescription_NonSeekableFixture_EqualsAnalyzerOutput()
    {
        var output = new ArrayBufferWriter<byte>();
        AnalyzerJsonWriter.WriteDescription(new NonSeekableStream(new MemoryStream(Fixtures.Stream("q35-basic"))), output);

        RoundTripTests.AssertSameText(Fixtures.DescJson("q35-basic"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteState_ToAStream_EqualsAnalyzerOutput()
    {
        using var output = new MemoryStream();
        AnalyzerJsonWriter.WriteState(new MemoryStream(Fixtures.Stream("pc-serial")), output);

        RoundTripTests.AssertSameText(Fixtures.StateJson("pc-serial"), output.ToArray());
    }

    [Fact]
    public void WriteState_NullptrField_PrintsTheWordAsQemu10sAnalyzerDoes()
    {
        const string description = """
            {"page_size": 4096, "devices": [{"name": "serial", "instance_id": 0, "vmsd_name": "serial", "version": 3,
             "fields": [{"name": "p", "array_len": 2, "type": "nullptr", "size": 1}]}]}
            """;

        string state = State(SyntheticStreams.Build(description, "00"u8.ToArray()));

        Assert.Contains("\"serial (22)\": {\n        \"p\": [\n            \"nullptr\",\n            \"nullptr\"\n        ]", state, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteState_SyntheticStream_PrintsRamSizesAndDeviceFields()
    {
        string expected = """
            {
                "ram (2)": {
                    "section sizes": {
                        "pc.ram": "0x0000000000002000",
                        "pc.bios": "0x0000000000001000"
                    }
                },
                "serial (22)": {
                    "divider": "0x000c",
                    "lcr": "0x03",
                    "data": "de ad be ef",
                    "serial/extra": {
                        "value": "0xfffffffe (-2)"
                    }
                }
            }

            """.ReplaceLineEndings("\n");

        Assert.Equal(expected, State(SyntheticStreams.Build()));
    }

    [Fact]
    public void WriteState_StreamWithoutTrailer_Throws()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => State(SyntheticStreams.Build(description: null)));

        Assert.Contains("VM description", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteState_SectionMissingFromTheDescription_ThrowsUnknownDevice()
    {
        byte[] stream = SyntheticStreams.Build(description: """{"page_size": 4096, "devices": []}""");

        var ex = Assert.Throws<MigrationFormatException>(() => State(stream));

        Assert.Equal((MigrationErrorKind.UnknownDevice, "serial"), (ex.Kind, ex.Device));
    }

    [Fact]
    public void WriteDescription_RepeatedKey_KeepsFirstPositionAndLastValue()
    {
        string text = Desc("""{"page_size": 4096, "devices": [], "page_size": 8192}""");

        Assert.Equal("{\n    \"page_size\": 8192,\n    \"devices\": []\n}\n", text);
    }

    [Fact]
    public void WriteDescription_NonAsciiAndControlCharacters_EscapesLikePython()
    {
        string text = Desc("{\"page_size\": 4096, \"devices\": [], \"s\": \"\\u00e9\\ud83d\\ude00\\u0001\\u007f/\\\"\\\\\\n\\t\"}");

        Assert.Contains("\"s\": \"\\u00e9\\ud83d\\ude00\\u0001\\u007f/\\\"\\\\\\n\\t\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteDescription_EmptyObjectInsideArray_PrintsBraces()
    {
        string text = Desc("""{"page_size": 4096, "devices": [], "x": [{}, []]}""");

        Assert.EndsWith("\"x\": [\n        {},\n        []\n    ]\n}\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4096", "4096")]
    [InlineData("-0", "0")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("1.0", "1.0")]
    [InlineData("2.5", "2.5")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1e15", "1000000000000000.0")]
    [InlineData("1.5e-7", "1.5e-07")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.00001", "1e-05")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("1E400", "Infinity")]
    [InlineData("0.1", "0.1")]
    [InlineData("123.456e2", "12345.6")]
    public void FormatPythonNumber_JsonNumber_PrintsAsPythonDoes(string text, string expected)
    {
        Assert.Equal(expected, PythonJsonWriter.FormatPythonNumber(text));
    }

    [Fact]
    public void FormatInteger_PositiveSigned_PrintsHexOnly()
    {
        VmDeviceDescription device = VmDescription.Parse(
            """{"page_size": 4096, "devices": [{"name": "d", "instance_id": 0, "fields": [{"name": "x", "type": "int16", "size": 2}]}]}"""u8.ToArray())
            .Devices[0];

        var value = (VmStateInteger)VmStateDecoder.Decode(device, new byte[] { 0x7f, 0xff })["x"]!;

        Assert.Equal("0x7fff", AnalyzerJsonWriter.FormatInteger(value));
    }

    [Fact]
    public void WriteState_HtabSection_PrintsAnEmptyString()
    {
        byte[] stream = SyntheticStreams.Build(beforeEof: w =>
        {
            w.WriteSection(QemuSectionRecord.CreateStart(7, "spapr/htab", 0, 1, new byte[] { 0, 0, 0, 18 }));
            w.WriteFooter(7);
        });

        Assert.Contains("\n    \"spapr/htab (7)\": \"\"\n}", State(stream), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteState_RepeatedSectionId_KeepsTheFirstPositionWithTheLastValue()
    {
        byte[] stream = SyntheticStreams.Build(beforeEof: w => w.WriteFullSection(2, "serial", 0, 3, SyntheticStreams.SerialPayload()));

        string text = State(stream);

        Assert.Equal(
            (text.IndexOf("\"serial (2)\"", StringComparison.Ordinal) < text.IndexOf("\"serial (22)\"", StringComparison.Ordinal), false),
            (true, text.Contains("\"ram (2)\"", StringComparison.Ordinal)));
    }
}
