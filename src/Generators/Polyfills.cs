// netstandard2.0 lacks the types the C# compiler needs for records and init accessors; the compiler finds them by name.
namespace System.Runtime.CompilerServices;

/// <summary>Marks init-only setters (records, <c>init</c> accessors) for the compiler.</summary>
internal static class IsExternalInit
{
}
