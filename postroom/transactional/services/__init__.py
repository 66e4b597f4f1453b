"""Writes of the transactional app: templates' versions, submissions, the lane's source."""
