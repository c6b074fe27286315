using MigrationFormat.Generators.Baselines;
using Microsoft.CodeAnalysis.Text;

namespace MigrationFormat.Generators.Tests;

/// <summary>The baseline reader accepts what the library writes and turns any other input into a diagnostic, never an exception.</summary>
public class BaselineReaderTests
{
    private const string Valid = """
        {"format":"migfmt-schema/1","device":"serial","model":"urn:x","version":3,"minimumVersion":1,"currentVersion":3,
         "description":"a \"quoted\" \u00e9 \/ text",
         "fields":[{"name":"divider","tag":0,"type":"uint16","description":"x"},{"name":"tx","tag":9,"type":"uint64","skippable":true,"since":2},
         {"name":"timer","tag":11,"type":"optional","since":3,"fields":[{"name":"deadline","tag":0,"type":"int64","since":3}]},
         {"name":"old","tag":12,"type":"fixed-bytes","size":4,"removedIn":3,"extra":[1,2.5e3,-0.5,null,false]}]}
        """;

    [Fact]
    public void Read_LibraryShapedDocument_KeepsEveryField()
    {
        BaselineFile file = BaselineDocument.Read("/s/serial.v3.schema.json", SourceText.From(Valid));

        Assert.Null(file.Error);
        BaselineDevice device = Assert.Single(file.Devices);
        Assert.Equal(("serial", 3, 1, 3), (device.Id, device.Version, device.MinimumVersion, device.CurrentVersion));
        Assert.Equal(["divider", "tx", "timer", "old"], device.Fields.Select(f => f.Name));
        Assert.True(device.Fields[1].Skippable);
        Assert.Equal((4, 3), (device.Fields[3].Size, device.Fields[3].RemovedIn));
        Assert.Equal("deadline", Assert.Single(device.Fields[2].Fields).Name);
    }

    [Fact]
    public void Read_ByteOrderMark_IsIgnored()
    {
        BaselineFile file = BaselineDocument.Read("/s/a.schema.json", SourceText.From("\uFEFF" + Valid));

        Assert.Null(file.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[")]
    [InlineData("{")]
    [InlineData("{\"a\"")]
    [InlineData("{\"a\":}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"unterminated")]
    [InlineData("01")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData("1e")]
    [InlineData("tru")]
    [InlineData("nul")]
    [InlineData("{} {}")]
    [InlineData("{'format':1}")]
    [InlineData("\"a\tb\"")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"devices\": 3}")]
    [InlineData("{\"devices\": [1]}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"\",\"version\":1}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":-1}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":1.5}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":99999999999}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":1,\"fields\":{}}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":1,\"fields\":[{\"name\":\"a\",\"tag\":0,\"type\":\"uint8\",\"skippable\":1}]}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":1,\"fields\":[{\"name\":\"\",\"tag\":0,\"type\":\"uint8\"}]}")]
    [InlineData("{\"format\":\"migfmt-schema/1\",\"device\":\"d\",\"version\":1,\"fields\":[{\"name\":\"a\",\"type\":\"uint8\"}]}")]
    public void Read_InputThatIsNotABaseline_ReportsMigfmt030(string text)
    {
        BaselineFile file = BaselineDocument.Read("/s/x.schema.json", SourceText.From(text));

        Assert.NotNull(file.Error);
        Assert.Equal("MIGFMT030", file.Error.Descriptor.Id);
        Assert.Empty(file.Devices);
    }

    [Fact]
    public void Read_NestingDeeperThanTheLimit_ReportsMigfmt030InsteadOfOverflowingTheStack()
    {
        BaselineFile file = BaselineDocument.Read("/s/x.schema.json", SourceText.From(new string('[', 100_000)));

        Assert.Contains("nesting", file.Error!.Arguments[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryMutationOfAValidDocument_ReturnsADocumentOrADiagnosticNeverAnException()
    {
        var random = new Random(20260601);
        const string Alphabet = "{}[]\":,0123456789-.eE\\ntfu \u00e9";
        for (int i = 0; i < 5000; i++)
        {
            char[] text = Valid.ToCharArray();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                text[random.Next(text.Length)] = Alphabet[random.Next(Alphabet.Length)];
            }

            string mutated = new string(text)[..random.Next(text.Length + 1)];
            BaselineFile file = BaselineDocument.Read("/s/x.schema.json", SourceText.From(mutated));

            Assert.True(file.Error is not null || file.Devices.Count == 1);
        }
    }

    [Fact]
    public void Read_UnreadableFile_ReportsMigfmt030WithoutALocationInTheText()
    {
        BaselineFile file = BaselineDocument.Read("/s/x.schema.json", null);

        Assert.Equal("MIGFMT030", file.Error!.Descriptor.Id);
    }
}
