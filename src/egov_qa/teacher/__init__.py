"""The teacher's side: the password of the teacher page, and the notes files it manages."""
