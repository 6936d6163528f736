"""Development plans (issue 20, part 3): the plan page of the candidate, their line manager and HR."""
