# Runs one chapter program and writes what a reader would see in a terminal:
# the command, its narration and output in the order produced, its exit code.
#   cmake -DPROGRAM=path -DOUTPUT=file -P capture_run.cmake
get_filename_component(name "${PROGRAM}" NAME)
execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE text ERROR_VARIABLE text
  RESULT_VARIABLE status TIMEOUT 60)
file(WRITE "${OUTPUT}" "$ ${name}\n${text}[exit code ${status}]\n")
