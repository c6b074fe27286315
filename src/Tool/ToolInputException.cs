using System;

namespace MigrationFormat.Tool;

/// <summary>A problem with what the tool was given that is not a stream's content (an assembly, a document's kind): exit code 1.</summary>
internal sealed class ToolInputException : Exception
{
    public ToolInputException()
    {
    }

    public ToolInputException(string message)
        : base(message)
    {
    }

    public ToolInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
