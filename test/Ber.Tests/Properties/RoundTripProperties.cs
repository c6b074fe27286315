using System.Formats.Asn1;
using FsCheck.Xunit;

namespace MigrationFormat.Ber.Tests.Properties;

/// <summary>Interoperability with System.Formats.Asn1 in both directions, over random value trees.</summary>
[Properties(Arbitrary = [typeof(BerArbitraries)], MaxTest = 200)]
public class RoundTripProperties
{
    [Property]
    public void BerWriterOutput_ReadByAsnReaderInBerMode_EqualsTheTree(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        Node actual = TreeCodec.ReadWithAsnReader(encoded, tree.Root);

        Assert.Equal(tree.Root.Render(), actual.Render());
    }

    [Property]
    public void BerWriterOutput_ReadByBerReader_EqualsTheTree(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        Node actual = TreeCodec.ReadWithBerReader(encoded, tree.Root);

        Assert.Equal(tree.Root.Render(), actual.Render());
    }

    [Property]
    public void BerWriterOutput_Validates_WithEveryValueCounted(ValueTree tree)
    {
        byte[] encoded = TreeCodec.WriteWithBerWriter(tree.Root);

        BerValidationResult result = BerValidator.Validate(encoded);

        Assert.Equal(tree.Root.ValueCount(), result.ValueCount);
        Assert.Equal(tree.Root.Depth(), result.MaxDepth);
        Assert.Equal(encoded.Length, result.BytesValidated);
    }

    [Property]
    public void AsnWriterBerOutput_ReadByBerReader_EqualsTheTree(ValueTree tree) => AssertAsnWriterOutputReadsBack(tree, AsnEncodingRules.BER);

    [Property]
    public void AsnWriterCerOutput_ReadByBerReader_EqualsTheTree(ValueTree tree) => AssertAsnWriterOutputReadsBack(tree, AsnEncodingRules.CER);

    [Property]
    public void AsnWriterDerOutput_ReadByBerReader_EqualsTheTree(ValueTree tree) => AssertAsnWriterOutputReadsBack(tree, AsnEncodingRules.DER);

    [Property]
    public void AsnWriterOutputUnderAnyRules_Validates(ValueTree tree)
    {
        foreach (AsnEncodingRules rules in (AsnEncodingRules[])[AsnEncodingRules.BER, AsnEncodingRules.CER, AsnEncodingRules.DER])
        {
            byte[] encoded = TreeCodec.WriteWithAsnWriter(tree.Root, rules);

            BerValidationResult result = BerValidator.Validate(encoded);

            Assert.Equal(encoded.Length, result.BytesValidated);
        }
    }

    private static void AssertAsnWriterOutputReadsBack(ValueTree tree, AsnEncodingRules rules)
    {
        byte[] encoded = TreeCodec.WriteWithAsnWriter(tree.Root, rules);

        Node actual = TreeCodec.ReadWithBerReader(encoded, tree.Root);

        Assert.Equal(tree.Root.Render(), actual.Render());
    }
}
