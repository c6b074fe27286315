namespace MigrationFormat.Qemu;

/// <summary>What a <see cref="QemuTranscoder.ToBer(System.IO.Stream, System.IO.Stream, bool)"/> run produced.</summary>
/// <param name="DeviceSections">The FULL device sections converted to typed BER sections.</param>
/// <param name="OpaqueSections">The <c>qemu:record</c> sections (runs of records carried as bytes, including FULL sections that could not be typed).</param>
/// <param name="LegacyDeviceBytes">The sum of the converted FULL sections' payload lengths.</param>
/// <param name="BerDeviceBytes">The sum of the converted sections' encoded state values (<c>[APPLICATION 2]</c>, tag and length included).</param>
/// <param name="SchemaBytes">The encoded size of the embedded schemas (<c>[APPLICATION 3]</c>), 0 when none are embedded.</param>
/// <param name="BerBytes">The size of the whole BER stream.</param>
/// <param name="RawDeviceSections">The FULL device sections that could not be typed and travel as bytes inside <c>qemu:record</c> sections.</param>
public sealed record QemuTranscodeResult(
    int DeviceSections, int OpaqueSections, long LegacyDeviceBytes, long BerDeviceBytes, long SchemaBytes, long BerBytes, int RawDeviceSections = 0);
